package xiaofa.channel.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import xiaofa.dialog.DialogService;
import xiaofa.dialog.Inbound;
import xiaofa.dialog.Reply;
import xiaofa.handoff.Areas;
import xiaofa.outbox.ChannelSender;
import xiaofa.outbox.OutboxMessage;
import xiaofa.platform.ApiException;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * The web channel: the chat API behind the simulator page at {@code /} (and for any tool that wants to talk to
 * xiaofa over HTTP), mounted at {@code /api}: {@code POST /chat}, {@code GET /chat/messages} (what was sent to the
 * resident later: advisors' replies, rating requests), {@code GET /classify}, {@code GET /areas}. Its outbox sender
 * delivers into the web mailbox the page polls.
 */
public final class WebChannel implements ChannelSender {
  public static final String CHANNEL = "web";
  private static final SqlStatements SQL = SqlStatements.load("/sql/web.sql");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  static final int MAX_TEXT = 1000;
  private static final long MAX_BODY = 8 * 1024;

  private final DialogService dialog;
  private final Areas areas;
  private final Pool pool;
  private final Clock clock;

  public WebChannel(DialogService dialog, Areas areas, Pool pool, Clock clock) {
    this.dialog = dialog;
    this.areas = areas;
    this.pool = pool;
    this.clock = clock;
  }

  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    r.post("/chat").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).respond(this::chat);
    r.get("/chat/messages").respond(this::messages);
    r.get("/classify").respond(this::classify);
    r.get("/areas").respond(ctx -> Future.succeededFuture(areas()));
    return r;
  }

  private Future<JsonObject> chat(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("body_invalid", "请求体应为 JSON 对象，例如 {\"user\": \"web-1a2b\", \"text\": \"老板拖欠工资怎么办\"}。");
    }
    if (body == null) {
      throw ApiException.badRequest("body_invalid", "请求体应为 JSON 对象，例如 {\"user\": \"web-1a2b\", \"text\": \"老板拖欠工资怎么办\"}。");
    }
    String user = user(body.getValue("user"));
    Object t = body.getValue("text");
    if (!(t instanceof String text) || text.isBlank()) {
      throw ApiException.badRequest("text_missing", "请输入要咨询的内容（text 不能为空）。");
    }
    if (text.codePointCount(0, text.length()) > MAX_TEXT) {
      throw ApiException.badRequest("text_too_long", "消息太长了，请控制在 " + MAX_TEXT + " 字以内，可以分几次发送。");
    }
    Object a = body.getValue("area");
    String area = null;
    if (a != null) {
      if (!(a instanceof String s) || areas.byCode(s).isEmpty()) {
        throw ApiException.badRequest("area_unknown", "所选社区/网格不存在，请重新选择（area 应为 /api/areas 中的网格编码）。");
      }
      area = s;
    }
    Map<String, String> meta = area == null ? Map.of() : Map.of("area", area);
    return dialog.handle(new Inbound(CHANNEL, user, text, Optional.empty(), meta)).map(WebChannel::json);
  }

  private static String user(Object u) {
    if (!(u instanceof String user) || !USER.matcher(user).matches()) {
      throw ApiException.badRequest("user_invalid", "用户标识 user 无效：应为 1 到 64 位字母、数字或 - _ . :。");
    }
    return user;
  }

  /** The reply as the web API promises it. */
  static JsonObject json(Reply r) {
    JsonArray citations = new JsonArray();
    for (Reply.Cite c : r.citations()) {
      JsonObject o = new JsonObject();
      if (c.law() != null) {
        o.put("law", c.law()).put("article", c.article()).put("title", c.title()).put("verified", c.verified());
      } else {
        o.put("id", c.id()).put("title", c.title());
      }
      citations.add(o);
    }
    JsonArray suggestions = new JsonArray();
    r.suggestions().forEach(s -> suggestions.add(new JsonObject().put("n", s.n()).put("id", s.id()).put("title", s.title())));
    JsonArray actions = new JsonArray();
    r.actions().stream().sorted().forEach(a -> actions.add(a.id()));
    JsonObject c = null;
    if (r.caseRef() != null) {
      c = new JsonObject().put("id", r.caseRef().id()).put("status", r.caseRef().status()).put("statusLabel", r.caseRef().statusLabel())
          .put("advisor", r.caseRef().advisor()).put("role", r.caseRef().role());
    }
    return new JsonObject()
        .put("reply", r.text())
        .put("category", r.category() == null ? null : r.category().id())
        .put("categoryLabel", r.category() == null ? null : r.category().label())
        .put("confidence", Math.round(r.confidence() * 1000) / 1000.0)
        .put("urgent", r.urgent())
        .put("citations", citations)
        .put("suggestions", suggestions)
        .put("actions", actions)
        .put("case", c);
  }

  private Future<JsonObject> messages(RoutingContext ctx) {
    String user = user(ctx.request().getParam("user"));
    long after;
    try {
      after = Long.parseLong(ctx.request().getParam("after", "0"));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("after_invalid", "参数 after 应为消息编号（整数）。");
    }
    return Database.execute(pool, SQL.get("inbox"), Tuple.of(user, after)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row row : rows) {
        out.add(new JsonObject().put("id", row.getLong("id")).put("kind", row.getString("kind")).put("text", row.getString("text"))
            .put("case", row.getString("case_id")).put("at", SqlTime.instant(row, "created_at").toString()));
      }
      return new JsonObject().put("messages", out);
    });
  }

  private Future<JsonObject> classify(RoutingContext ctx) {
    String q = ctx.request().getParam("q");
    if (q == null || q.isBlank()) {
      throw ApiException.badRequest("query_missing", "请提供要分类的文字（参数 q 不能为空）。");
    }
    if (q.codePointCount(0, q.length()) > MAX_TEXT) {
      throw ApiException.badRequest("query_too_long", "文字太长了，请控制在 " + MAX_TEXT + " 字以内（参数 q）。");
    }
    return dialog.understand(q).map(u -> new JsonObject()
        .put("category", u.category().id())
        .put("categoryLabel", u.category().label())
        .put("confidence", Math.round(u.confidence() * 1000) / 1000.0)
        .put("urgent", u.urgency().urgent())
        .put("urgentKinds", new JsonArray(u.urgency().kinds().stream().map(Enum::name).sorted().toList()))
        .put("dispute", u.dispute()));
  }

  private JsonObject areas() {
    JsonArray out = new JsonArray();
    for (Areas.Area a : areas.all()) {
      out.add(new JsonObject().put("grid", a.gridCode()).put("name", a.gridName()).put("community", a.community()).put("town", a.town()));
    }
    return new JsonObject().put("areas", out);
  }

  // ---------------------------------------------------------------- outbox sender

  @Override
  public String channel() {
    return CHANNEL;
  }

  /** Delivery into the web mailbox; the outbox id makes a repeated delivery a no-op. */
  @Override
  public Future<Delivery> send(OutboxMessage m) {
    return Database.execute(pool, SQL.get("deliver"), Tuple.of(m.id(), m.recipient(), m.kind(), m.caseId(), m.text(), SqlTime.param(clock.instant())))
        .map(r -> Delivery.sent());
  }
}
