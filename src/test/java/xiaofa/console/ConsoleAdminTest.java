package xiaofa.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.NewCase;
import xiaofa.knowledge.Category;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;

/**
 * What administrators do in the console over real HTTP: accounts for advisors and administrators (passwords given
 * or generated and shown once, duplicates, unknown advisors, reset, deactivation, renaming) and the advisors
 * themselves (specialties, areas, capacity, duty hours, each field checked with a Chinese message naming it), with
 * every change in the audit log and routing following the change.
 */
@DisplayName("Administering accounts and advisors in the console")
class ConsoleAdminTest {
  static final Vertx vertx = Vertx.vertx();
  // Tuesday 10:00 in Pingjiang: office hours
  static final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
  static ConsoleApi api;
  static String adminToken;

  @BeforeAll
  static void start() throws Exception {
    api = ConsoleApi.start(vertx, ConsoleApi.config(), clock);
    adminToken = api.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    api.stop();
  }

  static long audited(String action) throws Exception {
    return Database.execute(api.app.db().pool(), "SELECT COUNT(*) AS n FROM audit_log WHERE action = ? AND actor = 'admin'", io.vertx.sqlclient.Tuple.of(action))
        .await(10, TimeUnit.SECONDS).iterator().next().getLong("n");
  }

  static Advisor advisor(String id) throws Exception {
    return api.app.handoff().advisors().await(10, TimeUnit.SECONDS).stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("an advisor account gets a generated password once, signs in as its advisor, and is refused the admin pages")
  void advisorAccounts() throws Exception {
    JsonObject created = api.createAccount(adminToken, "Li.Xiufen", "advisor", "adv-002", null);
    String password = created.getString("password");
    assertNotNull(password, "a generated password is returned once");
    assertTrue(password.matches("[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}"), password);
    JsonObject user = created.getJsonObject("user");
    assertEquals("li.xiufen", user.getString("username"), "user names are kept in lower case");
    assertEquals("adv-002", user.getString("advisorId"));
    assertEquals("李秀芬（示例）", user.getString("advisorName"));
    assertTrue(user.getBoolean("active"));
    assertFalse(user.containsKey("password") || user.encode().contains("pbkdf2"));

    String token = api.token("li.xiufen", password);
    JsonObject me = api.expect(200, HttpMethod.GET, "/me", token, null).getJsonObject("user");
    assertEquals("advisor", me.getString("role"));
    assertEquals("adv-002", me.getString("advisorId"));
    assertEquals("forbidden", api.expect(403, HttpMethod.GET, "/admin/users", token, null).getString("error"));

    // the list shows it, without the password
    JsonArray users = api.expect(200, HttpMethod.GET, "/admin/users", adminToken, null).getJsonArray("users");
    assertTrue(users.stream().map(JsonObject.class::cast).anyMatch(u -> u.getString("username").equals("li.xiufen") && u.getString("lastLoginAt") != null));
    assertFalse(users.encode().contains(password));
    assertTrue(audited("user.create") >= 1);
  }

  @Test
  @DisplayName("refuses a taken user name, an unknown or already linked advisor, a missing link and bad fields, naming what to fix")
  void accountValidation() throws Exception {
    api.createAccount(adminToken, "wu.lawyer", "advisor", "adv-006", "wu-lawyer-password");
    JsonObject taken = api.expect(409, HttpMethod.POST, "/admin/users", adminToken,
        new JsonObject().put("username", "wu.lawyer").put("displayName", "另一个").put("role", "admin"));
    assertEquals("username_taken", taken.getString("error"));
    JsonObject linked = api.expect(409, HttpMethod.POST, "/admin/users", adminToken,
        new JsonObject().put("username", "wu2").put("displayName", "吴").put("role", "advisor").put("advisorId", "adv-006"));
    assertEquals("advisor_has_account", linked.getString("error"));
    JsonObject unknown = api.expect(400, HttpMethod.POST, "/admin/users", adminToken,
        new JsonObject().put("username", "ghost").put("displayName", "无").put("role", "advisor").put("advisorId", "adv-999"));
    assertEquals("advisor_unknown", unknown.getString("error"));
    JsonObject noLink = api.expect(400, HttpMethod.POST, "/admin/users", adminToken,
        new JsonObject().put("username", "nolink").put("displayName", "无").put("role", "advisor"));
    assertTrue(noLink.getString("message").contains("advisorId"), noLink.getString("message"));
    JsonObject badName = api.expect(400, HttpMethod.POST, "/admin/users", adminToken,
        new JsonObject().put("username", "周明法").put("displayName", "周").put("role", "admin"));
    assertTrue(badName.getString("message").contains("username"), badName.getString("message"));
    JsonObject badRole = api.expect(400, HttpMethod.POST, "/admin/users", adminToken,
        new JsonObject().put("username", "x1").put("displayName", "x").put("role", "root"));
    assertTrue(badRole.getString("message").contains("role"), badRole.getString("message"));
    JsonObject shortPassword = api.expect(400, HttpMethod.POST, "/admin/users", adminToken,
        new JsonObject().put("username", "x2").put("displayName", "x").put("role", "admin").put("password", "123"));
    assertEquals("password_too_short", shortPassword.getString("error"));
    assertEquals("user_not_found", api.expect(404, HttpMethod.PATCH, "/admin/users/99999", adminToken, new JsonObject().put("unlock", true)).getString("error"));
    assertEquals("user_not_found", api.expect(404, HttpMethod.PATCH, "/admin/users/abc", adminToken, new JsonObject().put("unlock", true)).getString("error"));
    JsonObject nothing = api.expect(400, HttpMethod.PATCH, "/admin/users/1", adminToken, new JsonObject());
    assertTrue(nothing.getString("message").contains("resetPassword"), nothing.getString("message"));
  }

  @Test
  @DisplayName("renaming, resetting the password (shown once, old tokens revoked), deactivating and reactivating an account")
  void accountChanges() throws Exception {
    JsonObject created = api.createAccount(adminToken, "peng", "advisor", "adv-003", "peng-password-1");
    long id = created.getJsonObject("user").getLong("id");
    String token = api.token("peng", "peng-password-1");

    JsonObject renamed = api.expect(200, HttpMethod.PATCH, "/admin/users/" + id, adminToken, new JsonObject().put("displayName", "彭卫东律师"));
    assertNull(renamed.getString("password"));
    assertEquals("彭卫东律师", api.expect(200, HttpMethod.GET, "/me", token, null).getJsonObject("user").getString("displayName"));

    JsonObject reset = api.expect(200, HttpMethod.PATCH, "/admin/users/" + id, adminToken, new JsonObject().put("resetPassword", true));
    String password = reset.getString("password");
    assertNotNull(password);
    assertEquals("token_revoked", api.expect(401, HttpMethod.GET, "/me", token, null).getString("error"));
    assertEquals(401, api.login("peng", "peng-password-1").statusCode());
    String fresh = api.token("peng", password);

    api.expect(200, HttpMethod.PATCH, "/admin/users/" + id, adminToken, new JsonObject().put("active", false));
    assertEquals(401, api.send(HttpMethod.GET, "/me", fresh, null).statusCode());
    assertEquals(401, api.login("peng", password).statusCode());
    api.expect(200, HttpMethod.PATCH, "/admin/users/" + id, adminToken, new JsonObject().put("active", true));
    assertEquals(200, api.login("peng", password).statusCode());

    long self = api.expect(200, HttpMethod.GET, "/me", adminToken, null).getJsonObject("user").getLong("id");
    JsonObject selfOff = api.expect(400, HttpMethod.PATCH, "/admin/users/" + self, adminToken, new JsonObject().put("active", false));
    assertEquals("cannot_deactivate_self", selfOff.getString("error"));
    assertTrue(audited("user.update") >= 4);
  }

  @Test
  @DisplayName("lists the advisors with the choices a form needs")
  void listAdvisors() throws Exception {
    JsonObject r = api.expect(200, HttpMethod.GET, "/admin/advisors", adminToken, null);
    JsonArray advisors = r.getJsonArray("advisors");
    assertTrue(advisors.size() >= 20, advisors.encode());
    JsonObject first = advisors.getJsonObject(0);
    assertEquals("adv-001", first.getString("id"));
    assertEquals("village_counsel", first.getString("role"));
    assertEquals("村居法律顾问", first.getString("roleLabel"));
    assertEquals(List.of("1-5 08:30-12:00", "1-5 14:00-17:30"), first.getJsonArray("duty").getList());
    JsonObject options = r.getJsonObject("options");
    assertEquals(11, options.getJsonArray("specialties").size());
    assertTrue(options.getJsonArray("areas").contains("凤栖社区") && options.getJsonArray("areas").contains("*"));
    assertEquals(4, options.getJsonArray("roles").size());
  }

  @Test
  @DisplayName("adds an advisor with a new number, who then gets the cases of their specialty and area")
  void createAdvisor() throws Exception {
    JsonObject body = new JsonObject().put("name", "王海燕（测试）").put("role", "mediator").put("specialties", new JsonArray().add("consumer"))
        .put("areas", new JsonArray().add("鹤鸣冲村")).put("capacity", 5).put("duty", new JsonArray().add("1-7 00:00-24:00"));
    JsonObject created = api.expect(201, HttpMethod.POST, "/admin/advisors", adminToken, body).getJsonObject("advisor");
    String id = created.getString("id");
    assertTrue(id.matches("adv-0\\d\\d"), id);
    assertEquals("调解员", created.getString("roleLabel"));
    Advisor stored = advisor(id);
    assertEquals(Advisor.Role.MEDIATOR, stored.role());
    assertTrue(stored.active());
    assertEquals(409, api.send(HttpMethod.POST, "/admin/advisors", adminToken, body.copy().put("id", id)).statusCode());
    assertTrue(audited("advisor.create") >= 1);

    // a consumer dispute in 鹤鸣冲村 (grid PJGX-V03-G01) now reaches the new mediator: the only one covering that village for consumer cases
    String grid = api.app.handoff().areas().all().stream().filter(a -> a.community().equals("鹤鸣冲村")).findFirst().orElseThrow().gridCode();
    var c = api.app.handoff().open(new NewCase("web", "web-admin-test-" + id, Category.CONSUMER, false, grid, "网购的电饭煲坏了，商家不给退", List.of()))
        .await(10, TimeUnit.SECONDS);
    assertEquals(id, c.advisorId(), "routed to " + c.advisorId());
  }

  @Test
  @DisplayName("changes an advisor's capacity, duty hours and activity; routing follows at the next case")
  void updateAdvisor() throws Exception {
    JsonObject changed = api.expect(200, HttpMethod.PATCH, "/admin/advisors/adv-004", adminToken,
        new JsonObject().put("capacity", 9).put("duty", new JsonArray().add("1-5 09:00-17:00").add("6 09:00-12:00")).put("specialties", "general|tort_injury"))
        .getJsonObject("advisor");
    assertEquals(9, changed.getInteger("capacity"));
    Advisor a = advisor("adv-004");
    assertEquals(9, a.capacity());
    assertEquals("1-5 09:00-17:00|6 09:00-12:00", a.dutyText());
    assertEquals(java.util.Set.of(Category.GENERAL, Category.TORT_INJURY), a.specialties());
    assertEquals("钟晓岚（示例）", a.name(), "fields not given are kept");

    api.expect(200, HttpMethod.PATCH, "/admin/advisors/adv-004", adminToken, new JsonObject().put("active", false));
    assertFalse(advisor("adv-004").active());
    api.expect(200, HttpMethod.PATCH, "/admin/advisors/adv-004", adminToken, new JsonObject().put("active", true).put("areas", new JsonArray().add("*")));
    assertEquals(java.util.Set.of("*"), advisor("adv-004").areas());
    assertEquals("advisor_not_found", api.expect(404, HttpMethod.PATCH, "/admin/advisors/adv-404", adminToken, new JsonObject().put("capacity", 3)).getString("error"));
    assertTrue(audited("advisor.update") >= 3);
  }

  @Test
  @DisplayName("refuses bad advisor fields with a Chinese message naming the field")
  void advisorValidation() throws Exception {
    JsonObject good = new JsonObject().put("name", "测试").put("role", "lawyer").put("specialties", new JsonArray().add("labor"))
        .put("areas", new JsonArray().add("*")).put("capacity", 5).put("duty", new JsonArray().add("1-5 08:30-17:30"));
    record Bad(String field, Object value, String mentions) {}
    for (Bad bad : List.of(
        new Bad("capacity", 0, "capacity"),
        new Bad("capacity", 51, "1 到 50"),
        new Bad("capacity", "ten", "capacity"),
        new Bad("specialties", new JsonArray().add("tax"), "tax"),
        new Bad("specialties", new JsonArray(), "specialties"),
        new Bad("areas", new JsonArray().add("火星村"), "火星村"),
        new Bad("areas", new JsonArray().add("*").add("凤栖社区"), "areas"),
        new Bad("duty", new JsonArray().add("weekdays 9-5"), "duty"),
        new Bad("duty", new JsonArray().add("1-5 17:00-09:00"), "顺序"),
        new Bad("duty", new JsonArray().add("1-5 08:00-25:00"), "duty"),
        new Bad("role", "judge", "role"),
        new Bad("fallback", "yes", "fallback"),
        new Bad("name", "", "name"),
        new Bad("id", "ADV 1!", "id"),
        new Bad("nickname", "x", "nickname"))) {
      JsonObject r = api.expect(400, HttpMethod.POST, "/admin/advisors", adminToken, good.copy().put(bad.field(), bad.value()));
      assertEquals("body_invalid", r.getString("error"), bad.toString());
      assertTrue(r.getString("message").contains(bad.mentions()), bad + ": " + r.getString("message"));
      assertTrue(r.getString("message").matches(".*\\p{IsHan}.*"), r.getString("message"));
    }
    JsonObject missing = api.expect(400, HttpMethod.POST, "/admin/advisors", adminToken, new JsonObject().put("name", "测试").put("role", "lawyer"));
    assertTrue(missing.getString("message").contains("specialties"), missing.getString("message"));
    JsonObject idChange = api.expect(400, HttpMethod.PATCH, "/admin/advisors/adv-001", adminToken, new JsonObject().put("id", "adv-100"));
    assertTrue(idChange.getString("message").contains("id"), idChange.getString("message"));
  }
}
