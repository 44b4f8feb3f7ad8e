package xiaofa.handoff;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One entry of a case's timeline: a message (resident, xiaofa, advisor), an internal note, or a change (created,
 * assigned, escalated, closed, rated …). {@code actor} is {@code resident}, {@code xiaofa}, {@code system} or an
 * advisor id.
 */
public record CaseEvent(long id, String caseId, Instant at, String kind, String actor, String text, JsonObject data) {

  /** The kinds of events. */
  public static final String CREATED = "created";
  public static final String RESIDENT_MESSAGE = "resident_message";
  public static final String BOT_REPLY = "bot_reply";
  public static final String ASSIGNED = "assigned";
  public static final String ADVISOR_REPLY = "advisor_reply";
  public static final String URGENT = "marked_urgent";
  public static final String SLA_BREACHED = "sla_breached";
  public static final String CLOSED = "closed";
  public static final String RATING_REQUESTED = "rating_requested";
  public static final String RATED = "rated";
  public static final String FOLLOW_UP = "follow_up_opened";
  public static final String DELIVERY_FAILED = "delivery_failed";
  /** Handed to another advisor or specialty in the console ({@code data}: from, to, category, previousCategory, reason). */
  public static final String TRANSFERRED = "transferred";
  /** An advisor's internal note: never sent to the resident or the field app. */
  public static final String NOTE = "note";
}
