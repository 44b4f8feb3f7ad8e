package xiaofa.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import xiaofa.channel.grid.GridChannel;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.HandoffService;
import xiaofa.handoff.Outcome;
import xiaofa.knowledge.Category;
import xiaofa.knowledge.KnowledgeService;
import xiaofa.knowledge.SearchRequest;
import xiaofa.platform.ApiException;

/**
 * The advisors' case desk in {@code /console/api}: the inbox (my cases, unassigned cases I could take, everything for
 * administrators), the case page (timeline with each reply's delivery, the resident's conversation with the bot and
 * what it used, the field app's resident contact for the case's own advisor), the actions on a case (claim,
 * transfer, reply, internal note, close), canned replies from the knowledge, and live updates ({@code /events},
 * Server-Sent Events). Every route is for advisors and administrators; what a user sees is decided by {@link Viewer};
 * every view and action is written to the audit log, actions in their own transaction.
 */
public final class CaseDesk implements ConsoleRoutes.Part {
  static final Pattern CASE_ID = Pattern.compile("XF-\\d{8}-\\d{4,6}");
  static final int OPEN_LIMIT = 500;
  static final int CLOSED_LIMIT = 100;
  static final int CONVERSATION_TURNS = 100;
  /** How far back before a case the resident's conversation is shown. */
  static final Duration CONVERSATION_LOOKBACK = Duration.ofHours(24);
  private static final long MAX_BODY = 16 * 1024;

  private final Clock clock;
  private final ZoneId zone;
  private final HandoffService handoff;
  private final KnowledgeService knowledge;
  private final GridChannel grid;
  private final Audit audit;
  private final DeskReads reads;
  private final CaseEvents events;
  private final CannedReplies canned;

  /** {@code zone}: the zone's time zone, for advisors' duty hours. */
  public CaseDesk(Vertx vertx, Pool pool, Clock clock, ZoneId zone, HandoffService handoff, KnowledgeService knowledge, GridChannel grid, Audit audit) {
    this.clock = clock;
    this.zone = zone;
    this.handoff = handoff;
    this.knowledge = knowledge;
    this.grid = grid;
    this.audit = audit;
    this.reads = new DeskReads(pool);
    this.events = new CaseEvents(vertx, reads);
    this.canned = new CannedReplies(knowledge);
  }

  @Override
  public void mount(Router api) {
    Handler<RoutingContext> staff = ConsoleAuth.require(ConsoleUser.Role.ADVISOR, ConsoleUser.Role.ADMIN);
    Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
    api.get("/cases").handler(staff).respond(this::list);
    api.get("/cases/:id").handler(staff).respond(this::detail);
    api.get("/cases/:id/transfer-targets").handler(staff).respond(this::transferTargets);
    api.post("/cases/:id/claim").handler(body).handler(staff).respond(this::claim);
    api.post("/cases/:id/transfer").handler(body).handler(staff).respond(this::transfer);
    api.post("/cases/:id/reply").handler(body).handler(staff).respond(this::reply);
    api.post("/cases/:id/notes").handler(body).handler(staff).respond(this::note);
    api.post("/cases/:id/close").handler(body).handler(staff).respond(this::close);
    api.get("/canned").handler(staff).respond(this::canned);
    api.get("/events").handler(staff).handler(this::events);
  }

  // ---------------------------------------------------------------- reading

  private Future<JsonObject> list(RoutingContext ctx) {
    return viewer(ctx).compose(v -> {
      String scope = param(ctx, "scope", v.advisor() == null ? "all" : "mine");
      String status = param(ctx, "status", "open");
      if (!Set.of("mine", "available", "all").contains(scope)) {
        throw ApiException.badRequest("scope_invalid", "参数 scope 应为 mine（我的事项）、available（可接手的事项）或 all（全部事项，仅管理员）。");
      }
      if (!Set.of("open", "closed").contains(status)) {
        throw ApiException.badRequest("status_invalid", "参数 status 应为 open（办理中）或 closed（已办结）。");
      }
      if (scope.equals("all") && !v.admin()) {
        throw new ApiException(403, "forbidden", "只有管理员可以查看全部事项（scope=all）；请查看“我的事项”（scope=mine）或“可接手的事项”（scope=available）。");
      }
      if (!scope.equals("all") && v.advisor() == null) {
        throw new ApiException(403, "admin_unlinked", "管理员账号没有关联顾问档案，没有“我的事项”和“可接手的事项”；请用 scope=all 查看全部事项。");
      }
      if (scope.equals("available") && status.equals("closed")) {
        throw ApiException.badRequest("status_invalid", "可接手的事项都在办理中，scope=available 只能配合 status=open。");
      }
      Supplier<Future<List<CaseView>>> cases = switch (scope + "/" + status) {
        case "mine/open" -> () -> handoff.inbox(v.advisorId()).map(all -> all.stream().filter(v::owns).toList());
        case "available/open" -> () -> handoff.inbox(v.advisorId()).map(all -> all.stream().filter(c -> !v.owns(c)).toList());
        case "mine/closed" -> () -> handoff.closedCases(v.advisorId(), CLOSED_LIMIT);
        case "all/closed" -> () -> handoff.closedCases(null, CLOSED_LIMIT);
        default -> () -> handoff.openCases(OPEN_LIMIT);
      };
      // the latest event id before the list: a stream resumed after it misses nothing that changed the list
      return reads.lastEventId().compose(lastEventId -> cases.get().compose(list -> reads.lastMessages(list.stream().map(CaseView::id).toList()).map(last -> {
        Instant now = clock.instant();
        JsonArray rows = new JsonArray();
        list.forEach(c -> rows.add(DeskJson.row(c, v, now, last.get(c.id()))));
        return new JsonObject().put("scope", scope).put("status", status).put("now", now.toString()).put("lastEventId", lastEventId)
            .put("total", rows.size()).put("cases", rows);
      })));
    });
  }

  private Future<JsonObject> detail(RoutingContext ctx) {
    return visibleCase(ctx).compose(vc -> {
      Viewer v = vc.viewer();
      CaseView c = vc.view();
      Instant now = clock.instant();
      Instant until = c.closedAt() != null ? c.closedAt() : now;
      Future<List<xiaofa.handoff.CaseEvent>> timeline = handoff.timeline(c.id());
      Future<Map<String, DeskReads.Delivery>> deliveries = reads.replyDeliveries(c.id());
      Future<List<DeskReads.Turn>> turns = reads.conversation(c, c.createdAt().minus(CONVERSATION_LOOKBACK), until, CONVERSATION_TURNS);
      Future<Optional<GridChannel.ResidentContact>> contact = GridChannel.CHANNEL.equals(c.channel())
          ? grid.residentContact(c.id()) : Future.succeededFuture(Optional.empty());
      return Future.all(timeline, deliveries, turns, contact)
          .compose(all -> audit.record(v.user(), "case.view", c.id(), null))
          .map(x -> new JsonObject()
              .put("case", DeskJson.detail(c, v, now))
              .put("resident", DeskJson.resident(c, v, contact.result()))
              .put("timeline", DeskJson.timeline(c, v, timeline.result(), deliveries.result()))
              .put("conversation", DeskJson.conversation(c, v, turns.result(), knowledge::entry))
              .put("permissions", permissions(v, c))
              .put("outcomes", DeskJson.outcomes()));
    });
  }

  /** What this viewer may do to the case now, so the page offers only that. */
  private static JsonObject permissions(Viewer v, CaseView c) {
    boolean open = c.status().isOpen();
    boolean own = v.owns(c);
    boolean free = c.advisorId() == null;
    return new JsonObject()
        .put("claim", open && free && v.advisor() != null && v.advisor().active())
        .put("reply", open && v.advisor() != null && (own || free))
        .put("transfer", open && (own || free || v.admin()))
        .put("note", true)
        .put("close", open && (own || v.admin()));
  }

  /** Who the case could go to: active advisors (on duty now, their load, whether they fit the case) and the specialties. */
  private Future<JsonObject> transferTargets(RoutingContext ctx) {
    return visibleCase(ctx).compose(vc -> handoff.advisors().map(roster -> {
      CaseView c = vc.view();
      ZonedDateTime now = clock.instant().atZone(zone);
      JsonArray advisors = new JsonArray();
      for (Advisor a : roster) {
        if (!a.active() || a.id().equals(c.advisorId())) {
          continue;
        }
        advisors.add(DeskJson.advisorJson(a)
            .put("specialties", new JsonArray(a.specialties().stream().map(Category::id).sorted().toList()))
            .put("areas", new JsonArray(a.areas().stream().sorted().toList()))
            .put("onDuty", a.onDuty(now))
            .put("fits", a.specialties().contains(c.category()) && a.covers(c.community())));
      }
      JsonArray categories = new JsonArray();
      for (Category cat : Category.values()) {
        categories.add(new JsonObject().put("id", cat.id()).put("label", cat.label()).put("current", cat == c.category()));
      }
      return new JsonObject().put("case", c.id()).put("advisors", advisors).put("categories", categories);
    }));
  }

  private Future<JsonObject> canned(RoutingContext ctx) {
    String q = ctx.request().getParam("q");
    String caseId = ctx.request().getParam("caseId");
    if ((q == null || q.isBlank()) && (caseId == null || caseId.isBlank())) {
      return Future.failedFuture(ApiException.badRequest("query_missing", "请提供 caseId（按事项内容推荐）或 q（检索词）。"));
    }
    if (q != null && q.strip().length() > SearchRequest.MAX_QUERY_LENGTH) {
      return Future.failedFuture(ApiException.badRequest("query_too_long", "检索词请控制在 " + SearchRequest.MAX_QUERY_LENGTH + " 字以内。"));
    }
    Future<String> query = q != null && !q.isBlank()
        ? viewer(ctx).map(v -> q.strip())
        : visibleCase(ctx, caseId.strip()).map(vc -> {
          String s = vc.view().summary().strip();
          return s.length() <= SearchRequest.MAX_QUERY_LENGTH ? s : s.substring(0, SearchRequest.MAX_QUERY_LENGTH);
        });
    return query.compose(text -> canned.forQuery(text).map(replies -> new JsonObject().put("query", text).put("replies", replies)));
  }

  private void events(RoutingContext ctx) {
    Long lastEventId;
    String header = ctx.request().getHeader("Last-Event-ID");
    String raw = header != null ? header : ctx.request().getParam("lastEventId");
    try {
      lastEventId = raw == null || raw.isBlank() ? null : Long.parseLong(raw.strip());
      if (lastEventId != null && lastEventId < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      ctx.fail(ApiException.badRequest("last_event_id_invalid", "Last-Event-ID 应为上次收到的事件编号（非负整数）。"));
      return;
    }
    viewer(ctx).onSuccess(v -> events.open(ctx, v, lastEventId)).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- actions

  private Future<JsonObject> claim(RoutingContext ctx) {
    return visibleCase(ctx).compose(vc -> {
      Advisor me = vc.viewer().actingAdvisor();
      return handoff.claim(vc.view().id(), me.id(), (tx, after) -> audit.record(tx, vc.viewer().user(), "case.claim", after.id(), null));
    }).map(this::acted);
  }

  private Future<JsonObject> transfer(RoutingContext ctx) {
    JsonObject b = body(ctx);
    String advisorId = optionalString(b, "advisorId", 40);
    String categoryId = optionalString(b, "category", 32);
    String reason = optionalString(b, "reason", 200);
    if ((advisorId == null) == (categoryId == null)) {
      return Future.failedFuture(ApiException.badRequest("transfer_target_invalid",
          "请指定转办给哪位顾问（advisorId）或哪个专业方向（category），二者选一。可选的顾问和方向见 GET /console/api/cases/{id}/transfer-targets。"));
    }
    HandoffService.Transfer to;
    if (advisorId != null) {
      to = HandoffService.Transfer.toAdvisor(advisorId, reason);
    } else {
      Category category = Category.fromId(categoryId).orElseThrow(() -> ApiException.badRequest("category_invalid",
          "专业方向“" + categoryId + "”不存在，应为：" + String.join("、", java.util.Arrays.stream(Category.values()).map(c -> c.id() + "（" + c.label() + "）").toList()) + "。"));
      to = HandoffService.Transfer.toSpecialty(category, reason);
    }
    return visibleCase(ctx).compose(vc -> {
      Viewer v = vc.viewer();
      CaseView c = vc.view();
      // an administrator acting on someone else's case overrides; an advisor acts as themselves (and may only move their own or unassigned cases)
      String by = v.admin() && !v.owns(c) ? null : v.advisorId();
      JsonObject detail = new JsonObject().put("from", c.advisorId()).put("toAdvisor", advisorId).put("toCategory", categoryId).put("reason", reason);
      return handoff.transfer(c.id(), by, to, (tx, after) -> audit.record(tx, v.user(), "case.transfer", after.id(), detail.put("to", after.advisorId())));
    }).map(this::acted);
  }

  private Future<JsonObject> reply(RoutingContext ctx) {
    String text = requiredString(body(ctx), "text", "回复内容");
    return visibleCase(ctx).compose(vc -> {
      Advisor me = vc.viewer().actingAdvisor();
      return handoff.advisorReply(vc.view().id(), me.id(), text,
          (tx, after) -> audit.record(tx, vc.viewer().user(), "case.reply", after.id(), new JsonObject().put("length", text.strip().length())));
    }).map(this::acted);
  }

  private Future<JsonObject> note(RoutingContext ctx) {
    String text = requiredString(body(ctx), "text", "备注内容");
    return visibleCase(ctx).compose(vc -> handoff.note(vc.view().id(), vc.viewer().advisorId(), text,
        (tx, after) -> audit.record(tx, vc.viewer().user(), "case.note", after.id(), new JsonObject().put("length", text.strip().length()))))
        .map(this::acted);
  }

  private Future<JsonObject> close(RoutingContext ctx) {
    JsonObject b = body(ctx);
    String outcomeId = requiredString(b, "outcome", "办结结果");
    String note = optionalString(b, "note", 1000);
    Outcome outcome = Outcome.fromId(outcomeId.strip()).orElseThrow(() -> ApiException.badRequest("outcome_invalid",
        "办结结果“" + outcomeId + "”不存在，应为：" + String.join("、", java.util.Arrays.stream(Outcome.values()).map(o -> o.id() + "（" + o.label() + "）").toList()) + "。"));
    return visibleCase(ctx).compose(vc -> {
      Viewer v = vc.viewer();
      String by = v.admin() && !v.owns(vc.view()) ? null : v.advisorId();
      return handoff.closeByAdvisor(vc.view().id(), by, outcome, note,
          (tx, after) -> audit.record(tx, v.user(), "case.close", after.id(), new JsonObject().put("outcome", outcome.id())));
    }).map(this::acted);
  }

  /** The answer to an action: the case as it now stands (the page reloads the timeline). */
  private JsonObject acted(CaseView c) {
    return new JsonObject().put("case", new JsonObject().put("id", c.id()).put("status", c.status().id()).put("statusLabel", c.status().label())
        .put("category", c.category().id()).put("categoryLabel", c.category().label()).put("advisor", c.advisorId())
        .put("advisorName", c.advisorName()).put("urgent", c.urgent()).put("outcome", c.outcome() == null ? null : c.outcome().id()));
  }

  // ---------------------------------------------------------------- helpers

  /** The signed-in user with their advisor profile and the roster. */
  private Future<Viewer> viewer(RoutingContext ctx) {
    ConsoleUser user = ConsoleAuth.user(ctx);
    return handoff.advisors().map(roster -> Viewer.of(user, roster));
  }

  private record VisibleCase(Viewer viewer, CaseView view) {}

  private Future<VisibleCase> visibleCase(RoutingContext ctx) {
    return visibleCase(ctx, ctx.pathParam("id"));
  }

  /** The case, if this user may see it: 404 for an unknown case, 403 for someone else's. */
  private Future<VisibleCase> visibleCase(RoutingContext ctx, String id) {
    if (id == null || !CASE_ID.matcher(id).matches()) {
      return Future.failedFuture(ApiException.notFound("case_not_found", "事项编号“" + id + "”格式不对，应为 XF-20261124-0001 这样的编号。"));
    }
    return viewer(ctx).compose(v -> handoff.find(id).map(found -> {
      CaseView c = found.orElseThrow(() -> ApiException.notFound("case_not_found", "没有编号为 " + id + " 的事项。"));
      if (!v.canSee(c)) {
        throw new ApiException(403, "not_your_case", "事项 " + id + " 已分派给其他顾问或不在您的专业和片区内，您无权查看或办理。如需协助，请联系管理员。");
      }
      return new VisibleCase(v, c);
    }));
  }

  private static String param(RoutingContext ctx, String name, String fallback) {
    String s = ctx.request().getParam(name);
    return s == null || s.isBlank() ? fallback : s.strip();
  }

  /** The JSON body (an empty body is an empty object); a 400 in Chinese when it is not a JSON object. */
  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    try {
      Object parsed = ctx.body().asJsonObject();
      return parsed == null ? new JsonObject() : (JsonObject) parsed;
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("body_invalid", "请求内容应为 JSON 对象，例如 {\"text\": \"…\"}。");
    }
  }

  private static String requiredString(JsonObject b, String field, String what) {
    Object v = b.getValue(field);
    if (v == null || (v instanceof String s && s.isBlank())) {
      throw ApiException.badRequest(field + "_missing", "缺少" + what + "（字段 " + field + "）。");
    }
    if (!(v instanceof String s)) {
      throw ApiException.badRequest("body_invalid", "字段 " + field + "（" + what + "）应为文字。");
    }
    return s;
  }

  private static String optionalString(JsonObject b, String field, int max) {
    Object v = b.getValue(field);
    if (v == null || (v instanceof String s && s.isBlank())) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiException.badRequest("body_invalid", "字段 " + field + " 应为文字。");
    }
    if (s.strip().length() > max) {
      throw ApiException.badRequest(field + "_too_long", "字段 " + field + " 请控制在 " + max + " 字以内。");
    }
    return s.strip();
  }
}
