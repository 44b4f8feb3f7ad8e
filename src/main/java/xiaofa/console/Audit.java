package xiaofa.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import xiaofa.platform.Database;
import xiaofa.platform.SqlTime;

/**
 * The audit log: one row per thing a console user looked at or did ({@code case.view}, {@code case.reply},
 * {@code knowledge.import} …). Written in the action's own transaction when it has one ({@link #record(SqlClient,
 * ConsoleUser, String, String, JsonObject)}), else on its own. Details never hold passwords or tokens.
 */
public final class Audit {
  private static final String INSERT = "INSERT INTO audit_log (at, actor, role, action, case_id, detail) VALUES (?, ?, ?, ?, ?, ?)";

  private final Pool pool;
  private final Clock clock;

  public Audit(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Records an action inside the caller's transaction. */
  public Future<Void> record(SqlClient tx, ConsoleUser who, String action, String caseId, JsonObject detail) {
    return tx.preparedQuery(INSERT).execute(tuple(who, action, caseId, detail)).mapEmpty();
  }

  /** Records an action on its own (a view, or an action without a transaction of its own). */
  public Future<Void> record(ConsoleUser who, String action, String caseId, JsonObject detail) {
    return Database.execute(pool, INSERT, tuple(who, action, caseId, detail)).mapEmpty();
  }

  private Tuple tuple(ConsoleUser who, String action, String caseId, JsonObject detail) {
    return Tuple.of(SqlTime.param(clock.instant()), who == null ? "system" : who.username(), who == null ? "system" : who.role().id(), action, caseId,
        detail == null ? null : abbreviate(detail.encode()));
  }

  private static String abbreviate(String s) {
    return s.length() <= 2000 ? s : s.substring(0, 1999) + "…";
  }
}
