package xiaofa.knowledge;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import xiaofa.platform.ApiException;

/**
 * The knowledge HTTP API, mounted at {@code /api}: {@code GET /search}, {@code GET /knowledge/stats}, {@code GET
 * /knowledge/{id}}. Parameters are checked here; bad ones get a 400 problem body naming the parameter.
 */
public final class KnowledgeRoutes {
  private KnowledgeRoutes() {}

  public static Router router(Vertx vertx, KnowledgeService service) {
    Router r = Router.router(vertx);
    r.get("/search").respond(ctx -> service.search(searchRequest(ctx.request().params())));
    r.get("/knowledge/stats").respond(ctx -> Future.succeededFuture(stats(service.stats())));
    r.get("/knowledge/:id").respond(ctx -> entry(ctx, service));
    return r;
  }

  private static Future<KnowledgeEntry> entry(RoutingContext ctx, KnowledgeService service) {
    String id = ctx.pathParam("id");
    return service
        .entry(id)
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("entry_not_found", "知识库中没有编号为“" + abbreviate(id) + "”的条目。")));
  }

  private static JsonObject stats(Map<EntryType, Integer> counts) {
    JsonObject o = new JsonObject();
    counts.forEach((t, n) -> o.put(t.key(), n));
    return o;
  }

  /** Validates the query string of {@code /search}. */
  static SearchRequest searchRequest(MultiMap params) {
    String q = params.get("q");
    if (q == null || q.isBlank()) {
      throw ApiException.badRequest("query_missing", "请提供要查询的问题（参数 q 不能为空）。");
    }
    q = q.strip();
    if (q.codePointCount(0, q.length()) > SearchRequest.MAX_QUERY_LENGTH) {
      throw ApiException.badRequest("query_too_long", "问题太长了，请控制在 " + SearchRequest.MAX_QUERY_LENGTH + " 个字以内（参数 q）。");
    }
    int limit = 10;
    String l = params.get("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l.strip());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > SearchRequest.MAX_LIMIT) {
        throw ApiException.badRequest("limit_invalid", "参数 limit 应为 1 到 " + SearchRequest.MAX_LIMIT + " 之间的整数。");
      }
    }
    Optional<EntryType> type = Optional.empty();
    String t = params.get("type");
    if (t != null && !t.isBlank()) {
      type = EntryType.fromKey(t.strip().toLowerCase(Locale.ROOT));
      if (type.isEmpty()) {
        throw ApiException.badRequest("type_invalid", "参数 type 应为 power（权责事项）、disclosure（政务公开）、publicity（普法）或 law（法律条文）。");
      }
    }
    SearchRequest.Mode mode = SearchRequest.Mode.HYBRID;
    String m = params.get("mode");
    if (m != null && !m.isBlank()) {
      try {
        mode = SearchRequest.Mode.valueOf(m.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("mode_invalid", "参数 mode 应为 hybrid、keyword 或 vector。");
      }
    }
    return new SearchRequest(q, limit, type, mode);
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
