package xiaofa.handoff;

import java.time.Instant;
import xiaofa.knowledge.Category;

/** A case as channels, the console and tests see it. {@code advisorId} and the advisor fields are null while unassigned. */
public record CaseView(
    String id,
    String channel,
    String userRef,
    Category category,
    boolean urgent,
    String area,
    String community,
    String summary,
    CaseStatus status,
    Outcome outcome,
    String advisorId,
    String advisorName,
    Advisor.Role advisorRole,
    Instant createdAt,
    Instant updatedAt,
    Instant firstResponseDue,
    Instant firstResponseAt,
    boolean slaBreached,
    int escalations,
    Instant closedAt,
    Integer rating) {}
