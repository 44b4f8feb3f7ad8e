package xiaofa.channel.grid;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.CaseStatus;
import xiaofa.knowledge.Category;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/** The field app's tables: the nonces seen (shared by every node) and the reports beside the cases they opened. */
final class GridStore {
  private static final SqlStatements SQL = SqlStatements.load("/sql/grid.sql");
  static final int PAGE_SIZE = 20;

  private final Pool pool;

  GridStore(Pool pool) {
    this.pool = pool;
  }

  /** True when this (app, nonce) is new; false when any node has seen it (a replay). */
  Future<Boolean> claimNonce(String appId, String nonce, Instant now) {
    return Database.execute(pool, SQL.get("nonce_claim"), Tuple.of(appId, nonce, SqlTime.param(now)))
        .map(rows -> rows.rowCount() == 1)
        .recover(e -> isDuplicate(e) ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  /** Two nodes inserting the same nonce at once: the loser may see a unique violation instead of "nothing done". */
  private static boolean isDuplicate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  Future<Integer> purgeNonces(Instant before) {
    return Database.execute(pool, SQL.get("nonce_purge"), Tuple.of(SqlTime.param(before))).map(rows -> rows.rowCount());
  }

  /** Stores a report in the transaction that opens its case. */
  Future<Void> insert(SqlClient tx, Report r) {
    Tuple t = Tuple.of(r.caseId(), r.appId(), r.worker(), r.grid(), r.residentName(), r.residentPhone())
        .addValue(r.attachments().isEmpty() ? null : r.attachments().encode())
        .addValue(SqlTime.param(r.reportedAt()));
    return tx.preparedQuery(SQL.get("report_insert")).execute(t).mapEmpty();
  }

  Future<Optional<Report>> report(String caseId) {
    return Database.execute(pool, SQL.get("report"), Tuple.of(caseId)).map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(report(rows.iterator().next())));
  }

  /** The same, inside a transaction (the callback sink). */
  Future<Optional<Report>> report(SqlClient tx, String caseId) {
    return tx.preparedQuery(SQL.get("report")).execute(Tuple.of(caseId)).map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(report(rows.iterator().next())));
  }

  /** A page (from 1) of one app's reported cases, optionally of one grid, one worker and some statuses. */
  Future<Page> list(String appId, String grid, String worker, List<String> statuses, int page) {
    String s1 = statuses.isEmpty() ? null : statuses.get(0);
    String s2 = statuses.size() > 1 ? statuses.get(1) : s1;
    String s3 = statuses.size() > 2 ? statuses.get(2) : s1;
    Tuple where = Tuple.tuple().addValue(appId).addValue(grid).addValue(grid).addValue(worker).addValue(worker)
        .addValue(s1).addValue(s1).addValue(s2).addValue(s3);
    Tuple paged = Tuple.tuple();
    for (int i = 0; i < where.size(); i++) {
      paged.addValue(where.getValue(i));
    }
    paged.addValue(PAGE_SIZE).addValue((page - 1) * PAGE_SIZE);
    return pool.withTransaction(tx -> tx.preparedQuery(SQL.get("count")).execute(where)
        .compose(count -> tx.preparedQuery(SQL.get("list")).execute(paged).map(rows -> {
          List<Listed> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Listed(summary(r), report(r)));
          }
          return new Page(out, count.iterator().next().getLong("n"));
        })));
  }

  private static CaseSummary summary(Row r) {
    String role = r.getString("advisor_role");
    return new CaseSummary(r.getString("id"), CaseStatus.fromId(r.getString("status")).orElseThrow(),
        Category.fromId(r.getString("category")).orElse(Category.GENERAL), r.getBoolean("urgent"), r.getString("community"), r.getString("summary"),
        role == null ? null : Advisor.Role.fromLabel(role).orElse(null), r.getString("advisor_name"),
        SqlTime.instant(r, "first_response_due"), SqlTime.instant(r, "first_response_at"), SqlTime.instant(r, "created_at"), r.getInteger("rating"));
  }

  private static Report report(Row r) {
    String attachments = r.getString("attachments");
    Instant at = SqlTime.instant(r, r.getColumnIndex("reported_at") >= 0 ? "reported_at" : "created_at");
    return new Report(r.getString("case_id"), r.getString("app_id"), r.getString("worker"), r.getString("grid"), r.getString("resident_name"),
        r.getString("resident_phone"), attachments == null ? new JsonArray() : new JsonArray(attachments), at);
  }

  /** A case in a list, with its report. */
  record Listed(CaseSummary summary, Report report) {}

  /** One page and the number of matching cases in all pages. */
  record Page(List<Listed> cases, long total) {}
}
