package xiaofa.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import xiaofa.handoff.CaseEvent;
import xiaofa.handoff.CaseView;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * The case desk's reads beside {@code HandoffService}'s views (SQL in {@code sql/case-desk.sql}): the latest message of
 * listed cases, new timeline events for the live stream, the delivery state of advisors' replies in the outbox and
 * the resident's turns with the bot. Read-only; every statement runs in a transaction of its own.
 */
final class DeskReads {
  private static final SqlStatements SQL = SqlStatements.load("/sql/case-desk.sql");
  private static final int IDS_PER_QUERY = 100;

  /** The latest message of a case, for the list's preview. */
  record LastMessage(String kind, String actor, String text, Instant at) {}

  /** An advisor reply's outbox row: {@code pending}, {@code sent}, {@code undeliverable} or {@code failed}. */
  record Delivery(String status, int attempts, String lastError, Instant sentAt) {}

  /** One turn of the resident with the bot. */
  record Turn(long id, Instant at, String text, String category, Double confidence, boolean urgent, String outcome, String entryId, Double score,
      String caseId) {}

  /** A timeline event with its case as it stands now: what the live stream tells. */
  record LiveEvent(long id, String caseId, Instant at, String kind, String actor, JsonObject data, String status, boolean urgent, String community,
      String category, String advisorId) {
    /** The advisor the case was taken from ({@code transferred}, {@code sla_breached}), if any. */
    String from() {
      return data == null ? null : data.getString("from");
    }

    /**
     * The event took an unassigned case off the list of those who could have taken it: an advisor took it themselves
     * (a claim, or a reply to it), it was transferred or escalated from nobody, or it was closed unassigned.
     */
    boolean tookUnassigned() {
      return switch (kind) {
        case CaseEvent.ASSIGNED -> data != null && actor.equals(data.getString("advisor"));
        case CaseEvent.TRANSFERRED, CaseEvent.SLA_BREACHED -> data != null && data.getString("from") == null;
        case CaseEvent.CLOSED -> advisorId == null;
        default -> false;
      };
    }

    /** The category before a transfer to a specialty, if any. */
    String previousCategory() {
      return data == null ? null : data.getString("previousCategory");
    }
  }

  private final Pool pool;

  DeskReads(Pool pool) {
    this.pool = pool;
  }

  /** The id of the latest timeline event (0 when there is none). */
  Future<Long> lastEventId() {
    return Database.execute(pool, SQL.get("last_event_id")).map(rows -> rows.iterator().next().getLong("id"));
  }

  /** Timeline events after {@code id}, oldest first, at most {@code limit}. */
  Future<List<LiveEvent>> eventsAfter(long id, int limit) {
    return Database.execute(pool, SQL.get("events_after"), Tuple.of(id, limit)).map(rows -> {
      List<LiveEvent> out = new ArrayList<>();
      for (Row r : rows) {
        String data = r.getString("data");
        out.add(new LiveEvent(r.getLong("id"), r.getString("case_id"), SqlTime.instant(r, "created_at"), r.getString("kind"), r.getString("actor"),
            data == null ? null : new JsonObject(data), r.getString("status"), r.getBoolean("urgent"), r.getString("community"), r.getString("category"),
            r.getString("advisor_id")));
      }
      return out;
    });
  }

  /** The latest message of each of these cases, by case id. */
  Future<Map<String, LastMessage>> lastMessages(List<String> caseIds) {
    List<Future<Map<String, LastMessage>>> parts = new ArrayList<>();
    for (int from = 0; from < caseIds.size(); from += IDS_PER_QUERY) {
      List<String> ids = caseIds.subList(from, Math.min(caseIds.size(), from + IDS_PER_QUERY));
      String sql = SQL.get("last_messages").replace("(:ids)", "(" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")");
      parts.add(Database.execute(pool, sql, Tuple.wrap(new ArrayList<Object>(ids))).map(rows -> {
        Map<String, LastMessage> m = new HashMap<>();
        rows.forEach(r -> m.put(r.getString("case_id"), new LastMessage(r.getString("kind"), r.getString("actor"), r.getString("text"),
            SqlTime.instant(r, "created_at"))));
        return m;
      }));
    }
    return Future.all(parts).map(all -> {
      Map<String, LastMessage> m = new HashMap<>();
      parts.forEach(p -> m.putAll(p.result()));
      return m;
    });
  }

  /** The outbox rows of the case's advisor replies, by dedupe key ({@code reply:<id>}). */
  Future<Map<String, Delivery>> replyDeliveries(String caseId) {
    return Database.execute(pool, SQL.get("reply_deliveries"), Tuple.of(caseId)).map(rows -> {
      Map<String, Delivery> m = new HashMap<>();
      rows.forEach(r -> m.put(r.getString("dedupe_key"), new Delivery(r.getString("status"), r.getInteger("attempts"), r.getString("last_error"),
          SqlTime.instant(r, "sent_at"))));
      return m;
    });
  }

  /** The resident's turns in the case's channel between {@code from} and {@code to}: the latest {@code limit}, oldest first. */
  Future<List<Turn>> conversation(CaseView c, Instant from, Instant to, int limit) {
    Tuple t = Tuple.of(c.channel(), c.userRef(), SqlTime.param(from), SqlTime.param(to), limit);
    return Database.execute(pool, SQL.get("conversation"), t).map(rows -> {
      List<Turn> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Turn(r.getLong("id"), SqlTime.instant(r, "created_at"), r.getString("text"), r.getString("category"), r.getDouble("confidence"),
            r.getBoolean("urgent"), r.getString("outcome"), r.getString("entry_id"), r.getDouble("score"), r.getString("case_id")));
      }
      Collections.reverse(out);
      return out;
    });
  }
}
