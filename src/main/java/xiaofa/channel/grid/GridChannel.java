package xiaofa.channel.grid;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.dialog.DialogService;
import xiaofa.dialog.Inbound;
import xiaofa.dialog.Reply;
import xiaofa.handoff.Areas;
import xiaofa.handoff.CaseEvent;
import xiaofa.handoff.CaseEventSink;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.HandoffService;
import xiaofa.handoff.NewCase;
import xiaofa.knowledge.Category;
import xiaofa.knowledge.EntryType;
import xiaofa.knowledge.KnowledgeEntry;
import xiaofa.knowledge.KnowledgeService;
import xiaofa.outbox.ChannelSender;
import xiaofa.outbox.Outbox;
import xiaofa.outbox.OutboxMessage;
import xiaofa.platform.ApiException;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Pii;

/**
 * The field-app channel (网格通): grid workers look things up on a resident's behalf, report residents' cases so they
 * reach the advisor covering the grid's community, follow them and rate the result, through signed JSON at {@code
 * /grid/v1} (contract: {@code channels/grid/openapi.yaml}, served at {@code /grid/v1/openapi.yaml}). Every route
 * but the contract is guarded in this order: body limit (16 KiB) → signature, timestamp, nonce ({@link GridAuth}) →
 * the contract's validation → the handler.
 *
 * <p>It is also the outbox's sender for channel {@code grid} and a case-event sink: case events of reported cases
 * become signed callbacks to the app ({@link Callbacks}). Cases are opened with user reference {@code appId/worker}
 * (the worker hears back); an app sees and acts on the cases reported through it only, and another app's case is
 * "not found". Residents' phone and ID numbers are masked in logs, lists, details and callbacks; {@link
 * #residentContact} gives them whole, for the case's advisor only.
 */
public final class GridChannel implements ChannelSender, CaseEventSink {
  private static final Logger log = LoggerFactory.getLogger(GridChannel.class);
  public static final String CHANNEL = "grid";
  static final long MAX_BODY = 16 * 1024;
  static final Duration NONCE_RETENTION = Duration.ofMinutes(10);
  private static final long PURGE_MILLIS = Duration.ofMinutes(1).toMillis();
  private static final List<String> OPERATIONS = List.of("ask", "reportCase", "listCases", "getCase", "addMessage", "rateCase");

  /** A resident's contact as the worker gave it; for the case's advisor only. */
  public record ResidentContact(String name, String phone) {}

  private final Vertx vertx;
  private final AppConfig.Grid config;
  private final DialogService dialog;
  private final HandoffService handoff;
  private final KnowledgeService knowledge;
  private final Outbox outbox;
  private final Clock clock;
  private final GridStore store;
  private final Callbacks callbacks;
  private volatile GridContract contract;
  private long purgeTimer = -1;

  public GridChannel(Vertx vertx, AppConfig.Grid config, DialogService dialog, HandoffService handoff, KnowledgeService knowledge, Outbox outbox,
      Pool pool, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.dialog = dialog;
    this.handoff = handoff;
    this.knowledge = knowledge;
    this.outbox = outbox;
    this.clock = clock;
    this.store = new GridStore(pool);
    this.callbacks = new Callbacks(vertx, config, store, outbox, clock);
  }

  /** Loads the contract and starts purging old nonces; fails when the contract is missing or invalid. */
  public Future<Void> start() {
    return GridContract.load(vertx).map(c -> {
      OPERATIONS.forEach(c::validate); // every route's operation is in the contract, or the start fails
      contract = c;
      if (config.enabled()) {
        log.info("field-app channel on at /grid/v1 for {} app(s): {}", config.apps().size(), config.apps().stream().map(AppConfig.Grid.App::appId).toList());
        purgeTimer = vertx.setPeriodic(PURGE_MILLIS, id -> purgeNonces());
      } else {
        log.info("field-app channel off: XIAOFA_GRID_APPS is empty, /grid/v1 answers 503 (the contract is still served)");
      }
      return null;
    });
  }

  public void stop() {
    if (purgeTimer >= 0) {
      vertx.cancelTimer(purgeTimer);
    }
  }

  /** Forgets nonces older than twice the timestamp window: a request that old is refused by its timestamp anyway. */
  Future<Integer> purgeNonces() {
    return store.purgeNonces(clock.instant().minus(NONCE_RETENTION)).onFailure(e -> log.warn("purging grid nonces failed: {}", e.toString()));
  }

  /** The routes, mounted at {@code /grid/v1}. */
  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    r.get("/openapi.yaml").handler(ctx -> {
      GridContract c = ready();
      ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(c.bytes());
    });
    if (!config.enabled()) {
      r.route().handler(ctx -> ctx.fail(ApiException.unavailable("grid_disabled",
          "网格通接口没有开通：小法没有配置任何应用（XIAOFA_GRID_APPS）。请联系小法的管理员。")));
      return r;
    }
    r.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
    r.route().handler(GridAuth.create(config, store, clock));
    r.post("/ask").handler(validate("ask")).respond(this::ask);
    r.post("/cases").handler(validate("reportCase")).respond(this::report);
    r.get("/cases").handler(validate("listCases")).respond(this::list);
    r.get("/cases/:id").handler(validate("getCase")).respond(this::get);
    r.post("/cases/:id/messages").handler(validate("addMessage")).respond(this::message);
    r.post("/cases/:id/rating").handler(validate("rateCase")).respond(this::rate);
    r.route().failureHandler(GridChannel::tooLarge);
    return r;
  }

  private GridContract ready() {
    GridContract c = contract;
    if (c == null) {
      throw ApiException.unavailable("grid_starting", "网格通接口正在启动，请稍后再试。");
    }
    return c;
  }

  private io.vertx.core.Handler<RoutingContext> validate(String operationId) {
    return ctx -> ready().validate(operationId).handle(ctx);
  }

  /** The body limit as the app's developer should read it (the platform's generic 413 does not say the limit). */
  private static void tooLarge(RoutingContext ctx) {
    boolean is413 = ctx.statusCode() == 413 || ctx.failure() instanceof HttpException h && h.getStatusCode() == 413;
    if (!is413 || ctx.response().headWritten()) {
      ctx.next();
      return;
    }
    log.info("grid request refused (body_too_large): {} {}", ctx.request().method(), Pii.maskText(ctx.request().path()));
    ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("status", 413).put("error", "body_too_large")
            .put("message", "请求内容超过 16 KB。请缩短文字（描述最多 2000 字）或减少附件后，重新签名发送。")
            .put("requestId", UUID.randomUUID().toString()).encode());
  }

  // ---------------------------------------------------------------- handlers

  private Future<JsonObject> ask(RoutingContext ctx) {
    AppConfig.Grid.App app = GridAuth.app(ctx);
    JsonObject body = body(ctx);
    String worker = body.getString("worker");
    String grid = grid(body.getString("grid"));
    String resident = body.getString("resident");
    String userRef = app.appId() + "/" + worker + (resident == null ? "" : "/" + resident);
    return dialog.lookup(new Inbound(CHANNEL, userRef, body.getString("text"), Optional.empty(), Map.of("area", grid))).map(this::answer);
  }

  private Future<JsonObject> report(RoutingContext ctx) {
    AppConfig.Grid.App app = GridAuth.app(ctx);
    JsonObject body = body(ctx);
    String worker = body.getString("worker");
    String grid = grid(body.getString("grid"));
    JsonObject resident = body.getJsonObject("resident");
    String description = body.getString("description");
    Optional<Category> given = Optional.ofNullable(body.getString("category")).flatMap(Category::fromId);
    boolean flagged = body.getBoolean("urgent", false);
    JsonArray attachments = body.getJsonArray("attachments", new JsonArray());
    return understood(description, given, flagged).compose(u -> {
      NewCase nc = new NewCase(CHANNEL, app.appId() + "/" + worker, u.category(), u.urgent(), grid, description, List.of());
      Report draft = new Report(null, app.appId(), worker, grid, resident.getString("name"), resident.getString("phone"), attachments, clock.instant());
      return handoff.openNew(nc, (tx, caseId) -> store.insert(tx, draft.of(caseId))).map(c -> {
        outbox.poke();
        log.info("grid report from app {} worker {} in {}: case {} ({}{}) -> {}", app.appId(), Pii.maskText(worker), grid, c.id(), c.category().id(),
            c.urgent() ? ", urgent" : "", c.advisorId() == null ? "unassigned" : c.advisorId());
        ctx.response().setStatusCode(201).putHeader("Location", "/grid/v1/cases/" + c.id());
        return CaseJson.summary(CaseSummary.of(c), draft.of(c.id()));
      });
    });
  }

  /** The category and urgency of a report: the worker's word, else (and for urgency, also) what xiaofa understands. */
  private Future<Understood> understood(String text, Optional<Category> given, boolean flagged) {
    return dialog.understand(text)
        .map(u -> new Understood(given.orElse(u.category()), flagged || u.urgency().urgent()))
        .otherwise(e -> {
          // the index may still be loading: the report must not wait for it
          log.warn("grid text not classified ({}); category {}, urgent {}", e instanceof ApiException x ? x.code() : e.toString(),
              given.map(Category::id).orElse("general"), flagged);
          return new Understood(given.orElse(Category.GENERAL), flagged);
        });
  }

  private record Understood(Category category, boolean urgent) {}

  private Future<JsonObject> list(RoutingContext ctx) {
    AppConfig.Grid.App app = GridAuth.app(ctx);
    ValidatedRequest v = GridContract.validated(ctx);
    String grid = string(v.getQuery().get("grid"));
    String worker = string(v.getQuery().get("worker"));
    String status = string(v.getQuery().get("status"));
    RequestParameter pageParam = v.getQuery().get("page");
    int page = pageParam == null || pageParam.isNull() ? 1 : pageParam.getInteger();
    List<String> statuses = status == null ? List.of() : status.equals("open") ? List.of("new", "assigned", "in_progress") : List.of(status);
    return store.list(app.appId(), grid, worker, statuses, page).map(p -> {
      JsonArray cases = new JsonArray();
      p.cases().forEach(l -> cases.add(CaseJson.summary(l.summary(), l.report())));
      return new JsonObject().put("cases", cases).put("page", page).put("pageSize", GridStore.PAGE_SIZE).put("total", p.total());
    });
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    AppConfig.Grid.App app = GridAuth.app(ctx);
    String id = ctx.pathParam("id");
    return owned(app, id).compose(o -> handoff.timeline(id).map(events -> CaseJson.detail(o.view(), o.report(), events)));
  }

  private Future<JsonObject> message(RoutingContext ctx) {
    AppConfig.Grid.App app = GridAuth.app(ctx);
    String id = ctx.pathParam("id");
    JsonObject body = body(ctx);
    String worker = body.getString("worker");
    String text = body.getString("text");
    boolean flagged = body.getBoolean("urgent", false);
    return owned(app, id).compose(o -> {
      if (!o.view().status().isOpen()) {
        throw new ApiException(409, "case_closed", "事项 " + id + " 已经" + o.view().status().label().replaceFirst("^已", "") + "，不能再补充。如有新情况，请重新登记事项。");
      }
      return understood(text, Optional.of(o.view().category()), flagged)
          .compose(u -> handoff.residentMessage(id, CaseJson.WORKER_PREFIX + worker + "】" + text, u.urgent()))
          .map(c -> CaseJson.summary(CaseSummary.of(c), o.report()));
    });
  }

  private Future<JsonObject> rate(RoutingContext ctx) {
    AppConfig.Grid.App app = GridAuth.app(ctx);
    String id = ctx.pathParam("id");
    int score = body(ctx).getInteger("score");
    return owned(app, id).compose(o -> handoff.rate(id, score)).map(CaseJson::rating);
  }

  /** The case and its report, when this app reported it; any other case is "not found", revealing nothing. */
  private Future<Owned> owned(AppConfig.Grid.App app, String caseId) {
    ApiException notFound = ApiException.notFound("case_not_found", "没有找到事项 " + caseId + "。请核对编号；只能查看本应用登记的事项。");
    return store.report(caseId).compose(r -> {
      if (r.isEmpty() || !r.get().appId().equals(app.appId())) {
        return Future.failedFuture(notFound);
      }
      return handoff.find(caseId).map(c -> new Owned(c.orElseThrow(() -> notFound), r.get()));
    });
  }

  private record Owned(CaseView view, Report report) {}

  /**
   * The resident's name and whole phone number as the worker gave them. For the advisor console only, after it has
   * checked that the asking advisor is the case's; every other view masks the phone.
   */
  public Future<Optional<ResidentContact>> residentContact(String caseId) {
    return store.report(caseId).map(r -> r.map(x -> new ResidentContact(x.residentName(), x.residentPhone())));
  }

  // ---------------------------------------------------------------- answers

  /** The dialog's reply as the contract's {@code Answer}: text, citations, the power-list item, the next step. */
  private JsonObject answer(Reply r) {
    JsonArray citations = new JsonArray();
    JsonObject service = null;
    for (Reply.Cite c : r.citations()) {
      if (c.law() != null) {
        citations.add(new JsonObject().put("law", c.law()).put("article", c.article()).put("title", c.title()).put("verified", c.verified()));
      } else {
        citations.add(new JsonObject().put("id", c.id()).put("title", c.title()));
        if (service == null) {
          service = knowledge.entry(c.id()).filter(e -> e.type() == EntryType.POWER).map(GridChannel::service).orElse(null);
        }
      }
    }
    JsonArray suggestions = new JsonArray();
    r.suggestions().forEach(s -> suggestions.add(new JsonObject().put("n", s.n()).put("id", s.id()).put("title", s.title())));
    return new JsonObject()
        .put("answer", r.text())
        .put("category", r.category() == null ? null : r.category().id())
        .put("categoryLabel", r.category() == null ? null : r.category().label())
        .put("confidence", Math.round(r.confidence() * 1000) / 1000.0)
        .put("urgent", r.urgent())
        .put("citations", citations)
        .put("service", service)
        .put("suggestions", suggestions)
        .put("next", next(r));
  }

  private static JsonObject service(KnowledgeEntry e) {
    JsonObject fields = new JsonObject();
    e.fields().forEach(fields::put);
    return new JsonObject().put("id", e.id()).put("title", e.title()).put("fields", fields);
  }

  /** What the worker should do next: report the case, pick a suggestion, read on, or nothing. */
  static String next(Reply r) {
    if (r.urgent()) {
      return "report";
    }
    if (r.citations().isEmpty() && !r.suggestions().isEmpty()) {
      return "pick";
    }
    if (r.actions().contains(Reply.Action.HANDOFF)) {
      return "report";
    }
    return r.actions().contains(Reply.Action.MORE) ? "more" : "none";
  }

  // ---------------------------------------------------------------- helpers

  private String grid(String code) {
    Areas areas = handoff.areas();
    if (areas.byCode(code).isEmpty()) {
      throw ApiException.badRequest("grid_unknown", "网格编码 " + code + " 不存在。请使用高新区的网格编码（如 PJGX-C01-G01，完整列表见 /api/areas）。");
    }
    return code;
  }

  private static JsonObject body(RoutingContext ctx) {
    return GridContract.validated(ctx).getBody().getJsonObject();
  }

  private static String string(RequestParameter p) {
    return p == null || p.isNull() ? null : p.getString();
  }

  // ---------------------------------------------------------------- outbox and case events

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public Future<Delivery> send(OutboxMessage message) {
    return callbacks.send(message);
  }

  @Override
  public Future<Void> recorded(SqlConnection tx, CaseView c, CaseEvent event) {
    return callbacks.recorded(tx, c, event);
  }
}
