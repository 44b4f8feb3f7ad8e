package xiaofa.console.admin;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.regex.Pattern;
import xiaofa.platform.ApiException;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * Reading the audit log ({@code audit_log}, written by {@link xiaofa.console.Audit}): who viewed and did what, newest
 * first, filtered by case, actor and action ({@code knowledge.import}, or a prefix such as {@code case.} or {@code
 * case.*}), a page at a time: {@code next} is the {@code before} of the following page.
 */
final class AuditLog {
  private static final SqlStatements SQL = SqlStatements.load("/sql/admin.sql");
  private static final Pattern CASE = Pattern.compile("[A-Za-z0-9-]{1,20}");
  private static final Pattern ACTION = Pattern.compile("[a-z_]+(\\.[a-z_]+)*(\\.\\*?)?");

  private final Pool pool;

  AuditLog(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> query(RoutingContext ctx) {
    String caseId = Params.text(ctx, "case", 20);
    if (caseId != null && !CASE.matcher(caseId).matches()) {
      throw ApiException.badRequest("case_invalid", "参数 case 应为事项编号，如 XF-20261124-0007。");
    }
    String actor = Params.text(ctx, "actor", 64);
    String action = Params.text(ctx, "action", 40);
    String actionLike = null;
    if (action != null) {
      if (!ACTION.matcher(action).matches()) {
        throw ApiException.badRequest("action_invalid", "参数 action 应为操作名，如 case.view、knowledge.import，或以“.”结尾的前缀，如 case.。");
      }
      String escaped = action.replace("!", "!!").replace("%", "!%").replace("_", "!_");
      actionLike = escaped.endsWith(".*") ? escaped.substring(0, escaped.length() - 1) + "%" : escaped.endsWith(".") ? escaped + "%" : escaped;
    }
    long before = Params.id(ctx, "before", Long.MAX_VALUE);
    int limit = Params.integer(ctx, "limit", 50, 1, 200);
    Tuple params = Tuple.tuple().addValue(caseId).addValue(caseId).addValue(actor).addValue(actor).addValue(actionLike).addValue(actionLike)
        .addValue(before).addValue(limit + 1);
    return Database.execute(pool, SQL.get("audit"), params).map(rows -> {
      JsonArray entries = new JsonArray();
      Long next = null;
      for (Row r : rows) {
        if (entries.size() == limit) {
          next = entries.getJsonObject(limit - 1).getLong("id");
          break;
        }
        entries.add(new JsonObject()
            .put("id", r.getLong("id"))
            .put("at", SqlTime.instant(r, "at").toString())
            .put("actor", r.getString("actor"))
            .put("role", r.getString("role"))
            .put("action", r.getString("action"))
            .put("caseId", r.getString("case_id"))
            .put("detail", detail(r.getString("detail"))));
      }
      return new JsonObject().put("entries", entries).put("next", next);
    });
  }

  /** The detail as JSON when it is JSON, else as the text it is. */
  private static Object detail(String s) {
    if (s == null) {
      return null;
    }
    if (s.startsWith("{")) {
      try {
        return new JsonObject(s);
      } catch (DecodeException e) {
        return s;
      }
    }
    return s;
  }
}
