package xiaofa.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.Areas;
import xiaofa.handoff.HandoffService;
import xiaofa.knowledge.Category;
import xiaofa.platform.ApiException;

/**
 * The console API's advisor administration, for administrators: {@code GET /admin/advisors} (the roster with the
 * choices a form needs), {@code POST /admin/advisors} and {@code PATCH /admin/advisors/{id}}: name, role,
 * specialties (routing categories), areas (the zone's communities or {@code *}), capacity, weekly duty slots, fallback
 * pool, active. Every field is checked with a message naming it; every change is audited in its own transaction.
 * After the sample roster's first load the database is the truth, and routing reads it at each assignment.
 */
public final class AdvisorAdmin implements ConsoleRoutes.Part {
  static final int MAX_CAPACITY = 50;
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{1,39}");
  private static final Pattern NUMBERED = Pattern.compile("adv-(\\d+)");
  private static final Set<String> FIELDS = Set.of("id", "name", "role", "specialties", "areas", "capacity", "duty", "fallback", "active");
  private static final String EXAMPLE = "{\"name\": \"王律师\", \"role\": \"lawyer\", \"specialties\": [\"labor\", \"debt\"], "
      + "\"areas\": [\"*\"], \"capacity\": 10, \"duty\": [\"1-5 08:30-17:30\"]}";

  private final HandoffService handoff;
  private final Accounts accounts;
  private final Audit audit;

  public AdvisorAdmin(HandoffService handoff, Accounts accounts, Audit audit) {
    this.handoff = handoff;
    this.accounts = accounts;
    this.audit = audit;
  }

  @Override
  public void mount(Router api) {
    api.get("/admin/advisors").handler(ConsoleAuth.require(ConsoleUser.Role.ADMIN)).respond(this::list);
    api.post("/admin/advisors").handler(JsonBody.handler()).handler(ConsoleAuth.require(ConsoleUser.Role.ADMIN)).respond(this::create);
    api.patch("/admin/advisors/:id").handler(JsonBody.handler()).handler(ConsoleAuth.require(ConsoleUser.Role.ADMIN)).respond(this::update);
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    return Future.all(handoff.advisors(), accounts.all()).map(all -> {
      List<Advisor> advisors = all.resultAt(0);
      List<Accounts.Account> users = all.resultAt(1);
      Map<String, String> accountOf = users.stream().filter(u -> u.advisorId() != null)
          .collect(Collectors.toMap(Accounts.Account::advisorId, Accounts.Account::username));
      JsonArray out = new JsonArray();
      advisors.forEach(a -> out.add(json(a).put("account", accountOf.get(a.id()))));
      return new JsonObject().put("advisors", out).put("options", options());
    });
  }

  /** What a form offers: the roles, the routing categories and the zone's communities. */
  private JsonObject options() {
    JsonArray roles = new JsonArray();
    for (Advisor.Role r : Advisor.Role.values()) {
      roles.add(new JsonObject().put("id", roleId(r)).put("label", r.label()));
    }
    JsonArray specialties = new JsonArray();
    for (Category c : Category.values()) {
      specialties.add(new JsonObject().put("id", c.id()).put("label", c.label()));
    }
    JsonArray areas = new JsonArray().add(Advisor.WHOLE_ZONE);
    communities().forEach(areas::add);
    return new JsonObject().put("roles", roles).put("specialties", specialties).put("areas", areas).put("maxCapacity", MAX_CAPACITY);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx, FIELDS, EXAMPLE);
    ConsoleUser who = ConsoleAuth.user(ctx);
    Optional<String> givenId = body.optionalText("id", "顾问编号", 40).map(s -> s.toLowerCase(Locale.ROOT));
    givenId.ifPresent(id -> {
      if (!ID.matcher(id).matches()) {
        throw ApiException.badRequest("body_invalid", "字段 id（顾问编号）应为 2 到 40 位小写字母、数字、- 或 _，例如 adv-021；不填则自动编号。");
      }
    });
    Advisor draft = new Advisor("", body.text("name", "姓名", 50), role(body.text("role", "角色", 20)),
        specialties(body.texts("specialties", "专长").orElseThrow(() -> missing("specialties", "专长：分类编号列表"))),
        areas(body.texts("areas", "负责区域").orElseThrow(() -> missing("areas", "负责区域：社区/村名列表，或 [\"*\"] 表示全区"))),
        body.integer("capacity", "同时处理的案件数上限", 1, MAX_CAPACITY).orElseThrow(() -> missing("capacity", "同时处理的案件数上限，1 到 " + MAX_CAPACITY)),
        duty(body.texts("duty", "值班时间").orElseThrow(() -> missing("duty", "值班时间，例如 [\"1-5 08:30-17:30\"]"))),
        body.bool("fallback", "是否兜底").orElse(false), body.bool("active", "是否在岗").orElse(true));
    return handoff.advisors().compose(existing -> {
      String id = givenId.orElseGet(() -> nextId(existing));
      if (existing.stream().anyMatch(a -> a.id().equals(id))) {
        return Future.failedFuture(new ApiException(409, "advisor_exists", "顾问编号“" + id + "”已存在，请换一个，或修改该顾问。"));
      }
      Advisor a = copy(draft, id);
      ctx.response().setStatusCode(201);
      return handoff.saveAdvisor(a, (tx, created) -> created
              ? audit.record(tx, who, "advisor.create", null, json(a))
              // another administrator took this id a moment ago: undo, do not overwrite
              : Future.failedFuture(new ApiException(409, "advisor_exists", "顾问编号“" + id + "”刚被占用，请重新提交。")))
          .map(created -> new JsonObject().put("advisor", json(a)));
    });
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonBody body = JsonBody.of(ctx, FIELDS, "{\"capacity\": 8} 或 {\"active\": false}");
    if (body.has("id")) {
      throw ApiException.badRequest("body_invalid", "顾问编号（id）不能修改。");
    }
    ConsoleUser who = ConsoleAuth.user(ctx);
    Optional<String> name = body.optionalText("name", "姓名", 50);
    Optional<Advisor.Role> role = body.optionalText("role", "角色", 20).map(AdvisorAdmin::role);
    Optional<Set<Category>> specialties = body.texts("specialties", "专长").map(this::specialties);
    Optional<Set<String>> areas = body.texts("areas", "负责区域").map(this::areas);
    Optional<Integer> capacity = body.integer("capacity", "同时处理的案件数上限", 1, MAX_CAPACITY);
    Optional<List<Advisor.DutySlot>> duty = body.texts("duty", "值班时间").map(AdvisorAdmin::duty);
    Optional<Boolean> fallback = body.bool("fallback", "是否兜底");
    Optional<Boolean> active = body.bool("active", "是否在岗");
    return handoff.advisors().compose(existing -> {
      Advisor old = existing.stream().filter(a -> a.id().equals(id)).findFirst()
          .orElseThrow(() -> ApiException.notFound("advisor_not_found", "找不到编号为“" + id + "”的顾问。"));
      Advisor a = new Advisor(id, name.orElse(old.name()), role.orElse(old.role()), specialties.orElse(old.specialties()), areas.orElse(old.areas()),
          capacity.orElse(old.capacity()), duty.orElse(old.duty()), fallback.orElse(old.fallback()), active.orElse(old.active()));
      JsonObject detail = new JsonObject().put("id", id).put("before", json(old)).put("after", json(a));
      return handoff.saveAdvisor(a, (tx, created) -> audit.record(tx, who, "advisor.update", null, detail)).map(v -> new JsonObject().put("advisor", json(a)));
    });
  }

  // ---------------------------------------------------------------- fields

  private static ApiException missing(String field, String label) {
    return ApiException.badRequest("body_invalid", "缺少必填字段 " + field + "（" + label + "）。");
  }

  static Advisor.Role role(String text) {
    for (Advisor.Role r : Advisor.Role.values()) {
      if (roleId(r).equals(text.toLowerCase(Locale.ROOT)) || r.label().equals(text)) {
        return r;
      }
    }
    throw ApiException.badRequest("body_invalid", "字段 role（角色）应为 village_counsel（村居法律顾问）、volunteer（法治志愿者）、lawyer（律师）或 mediator（调解员）。");
  }

  static String roleId(Advisor.Role r) {
    return r.name().toLowerCase(Locale.ROOT);
  }

  private Set<Category> specialties(List<String> ids) {
    if (ids.isEmpty()) {
      throw ApiException.badRequest("body_invalid", "字段 specialties（专长）至少要有一项。");
    }
    Set<Category> out = EnumSet.noneOf(Category.class);
    for (String id : ids) {
      out.add(Category.fromId(id).orElseThrow(() -> ApiException.badRequest("body_invalid", "字段 specialties（专长）中的“" + id + "”不是分类编号，可用："
          + java.util.Arrays.stream(Category.values()).map(c -> c.id() + "（" + c.label() + "）").collect(Collectors.joining("、")) + "。")));
    }
    return out;
  }

  private Set<String> areas(List<String> names) {
    if (names.isEmpty()) {
      throw ApiException.badRequest("body_invalid", "字段 areas（负责区域）至少要有一项：社区或村的名称，或 \"*\" 表示全区。");
    }
    Set<String> out = new LinkedHashSet<>(names);
    if (out.contains(Advisor.WHOLE_ZONE)) {
      if (out.size() > 1) {
        throw ApiException.badRequest("body_invalid", "字段 areas（负责区域）：\"*\"（全区）不能与具体社区同时填写。");
      }
      return out;
    }
    Set<String> known = communities();
    for (String n : out) {
      if (!known.contains(n)) {
        throw ApiException.badRequest("body_invalid", "字段 areas（负责区域）中的“" + n + "”不是本区的社区或村，可用：" + String.join("、", known) + "，或 \"*\"（全区）。");
      }
    }
    return out;
  }

  static List<Advisor.DutySlot> duty(List<String> slots) {
    if (slots.isEmpty()) {
      throw ApiException.badRequest("body_invalid", "字段 duty（值班时间）至少要有一段，例如 [\"1-5 08:30-17:30\"]。");
    }
    List<Advisor.DutySlot> out = new ArrayList<>();
    for (String s : slots) {
      try {
        out.add(Advisor.DutySlot.parse(s));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("body_invalid", "字段 duty（值班时间）：" + e.getMessage() + "。");
      } catch (java.time.DateTimeException e) {
        throw ApiException.badRequest("body_invalid", "字段 duty（值班时间）：“" + s + "”中的时刻不存在，应在 00:00 到 24:00 之间。");
      }
    }
    return out;
  }

  private Set<String> communities() {
    return handoff.areas().all().stream().map(Areas.Area::community).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The next free {@code adv-NNN}. */
  static String nextId(List<Advisor> existing) {
    int max = 0;
    for (Advisor a : existing) {
      Matcher m = NUMBERED.matcher(a.id());
      if (m.matches() && m.group(1).length() < 9) {
        max = Math.max(max, Integer.parseInt(m.group(1)));
      }
    }
    return String.format("adv-%03d", max + 1);
  }

  private static Advisor copy(Advisor a, String id) {
    return new Advisor(id, a.name(), a.role(), a.specialties(), a.areas(), a.capacity(), a.duty(), a.fallback(), a.active());
  }

  /** An advisor as the console shows it. */
  static JsonObject json(Advisor a) {
    Function<Set<String>, JsonArray> sorted = s -> new JsonArray(s.stream().sorted().toList());
    return new JsonObject()
        .put("id", a.id())
        .put("name", a.name())
        .put("role", roleId(a.role()))
        .put("roleLabel", a.role().label())
        .put("specialties", sorted.apply(a.specialties().stream().map(Category::id).collect(Collectors.toSet())))
        .put("areas", sorted.apply(a.areas()))
        .put("capacity", a.capacity())
        .put("duty", new JsonArray(a.duty().stream().map(Advisor.DutySlot::toString).toList()))
        .put("fallback", a.fallback())
        .put("active", a.active());
  }
}
