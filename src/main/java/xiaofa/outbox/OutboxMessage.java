package xiaofa.outbox;

import io.vertx.core.json.JsonObject;

/**
 * A message waiting in (or taken from) the outbox: to {@code recipient} in {@code channel}, of a {@code kind}
 * ({@code advisor_reply}, {@code rating_request}, {@code case_event} …), about a case or none. {@code payload}
 * holds at least {@code text}; a channel may need more. {@code id} and {@code attempts} are 0 before it is stored.
 */
public record OutboxMessage(long id, String channel, String recipient, String kind, String caseId, JsonObject payload, String dedupeKey, int attempts) {

  /** A new message; {@code dedupeKey} names the event, so the same event never reaches the same person twice. */
  public static OutboxMessage of(String channel, String recipient, String kind, String caseId, JsonObject payload, String dedupeKey) {
    return new OutboxMessage(0, channel, recipient, kind, caseId, payload, dedupeKey, 0);
  }

  public String text() {
    return payload.getString("text", "");
  }
}
