package xiaofa.channel.grid;

import java.time.Instant;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.CaseStatus;
import xiaofa.handoff.CaseView;
import xiaofa.knowledge.Category;

/** The part of a case the field app sees, from a {@link CaseView} or a row of the app's case list. */
record CaseSummary(
    String id,
    CaseStatus status,
    Category category,
    boolean urgent,
    String community,
    String summary,
    Advisor.Role advisorRole,
    String advisorName,
    Instant firstResponseDue,
    Instant firstResponseAt,
    Instant createdAt,
    Integer rating) {

  static CaseSummary of(CaseView c) {
    return new CaseSummary(c.id(), c.status(), c.category(), c.urgent(), c.community(), c.summary(), c.advisorRole(), c.advisorName(),
        c.firstResponseDue(), c.firstResponseAt(), c.createdAt(), c.rating());
  }
}
