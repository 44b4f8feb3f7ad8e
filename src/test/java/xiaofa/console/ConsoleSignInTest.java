package xiaofa.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;

/**
 * Signing in to the console over real HTTP: tokens, the same 401 for an unknown name, a wrong password and a
 * deactivated account, the lock-out after five wrong passwords and its end fifteen minutes later (a clock moved by
 * hand), signing out, changing one's password, bad requests, and what the audit log keeps (never a password).
 */
@DisplayName("Signing in to the console")
class ConsoleSignInTest {
  static final Vertx vertx = Vertx.vertx();
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

  static long accountId(String username) throws Exception {
    return api.app.accounts().all().await(10, TimeUnit.SECONDS).stream().filter(a -> a.username().equals(username)).findFirst().orElseThrow().id();
  }

  static List<Row> audit(String action) throws Exception {
    List<Row> out = new ArrayList<>();
    Database.execute(api.app.db().pool(), "SELECT actor, role, action, detail FROM audit_log WHERE action = ? ORDER BY id", io.vertx.sqlclient.Tuple.of(action))
        .await(10, TimeUnit.SECONDS).forEach(out::add);
    return out;
  }

  @Test
  @DisplayName("the first administrator signs in and gets an 8-hour bearer token that opens /me")
  void signIn() throws Exception {
    HttpResponse<Buffer> r = api.login("admin", AppConfig.TEST_ADMIN_PASSWORD);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(clock.instant().plus(Duration.ofHours(8)).toString(), body.getString("expiresAt"));
    JsonObject user = body.getJsonObject("user");
    assertEquals("admin", user.getString("username"));
    assertEquals("admin", user.getString("role"));
    assertTrue(user.containsKey("advisorId") && user.containsKey("displayName") && user.getLong("id") > 0, user.encode());
    assertNull(r.getHeader("Set-Cookie"), "bearer tokens only: no cookie, so nothing for a forged cross-site request to ride on");
    JsonObject me = api.expect(200, HttpMethod.GET, "/me", body.getString("token"), null);
    assertEquals("admin", me.getJsonObject("user").getString("username"));
    // user names are case-insensitive
    assertEquals(200, api.login("ADMIN", AppConfig.TEST_ADMIN_PASSWORD).statusCode());
  }

  @Test
  @DisplayName("an unknown user, a wrong password and a deactivated account all get the same 401, with similar timing")
  void failures() throws Exception {
    api.createAccount(adminToken, "timing", "admin", null, "timing-password-1");
    JsonObject unknown = api.expect(401, HttpMethod.POST, "/login", null, new JsonObject().put("username", "nobody").put("password", "whatever-1234"));
    JsonObject wrong = api.expect(401, HttpMethod.POST, "/login", null, new JsonObject().put("username", "timing").put("password", "wrong-password"));
    assertEquals("login_failed", unknown.getString("error"));
    assertEquals(unknown.getString("error"), wrong.getString("error"));
    assertEquals(unknown.getString("message"), wrong.getString("message"));
    assertTrue(unknown.getString("message").contains("用户名或密码不正确"), unknown.getString("message"));

    // an unknown name costs a password hash too (PBKDF2, about 125 ms here): no fast path that tells names apart.
    // Without the dummy hash it would take a few milliseconds (a ratio near 0.02); 0.3 leaves room for a busy machine.
    long unknownNanos = Long.MAX_VALUE;
    long wrongNanos = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      api.login("nobody-" + i, "whatever-1234");
      unknownNanos = Math.min(unknownNanos, System.nanoTime() - t0);
      t0 = System.nanoTime();
      api.login("timing", "wrong-password-" + i);
      wrongNanos = Math.min(wrongNanos, System.nanoTime() - t0);
    }
    System.out.printf("sign-in failure: unknown user %.0f ms, wrong password %.0f ms%n", unknownNanos / 1e6, wrongNanos / 1e6);
    assertTrue(unknownNanos > wrongNanos * 3 / 10, "unknown " + unknownNanos / 1_000_000 + " ms vs wrong " + wrongNanos / 1_000_000 + " ms");
    assertEquals(200, api.login("timing", "timing-password-1").statusCode(), "4 failures do not lock; the success resets the count");

    long id = accountId("timing");
    api.expect(200, HttpMethod.PATCH, "/admin/users/" + id, adminToken, new JsonObject().put("active", false));
    JsonObject inactive = api.expect(401, HttpMethod.POST, "/login", null, new JsonObject().put("username", "timing").put("password", "timing-password-1"));
    assertEquals(unknown.getString("message"), inactive.getString("message"));
    assertTrue(audit("auth.login_failed").stream().anyMatch(row -> row.getString("detail").contains("inactive")));
  }

  @Test
  @DisplayName("five wrong passwords in a row lock the account for 15 minutes, even against the right password; then it opens again")
  void lockOut() throws Exception {
    api.createAccount(adminToken, "lockme", "admin", null, "lockme-password-1");
    // a success in between resets the count
    for (int i = 0; i < 4; i++) {
      api.expect(401, HttpMethod.POST, "/login", null, new JsonObject().put("username", "lockme").put("password", "guess-" + i));
    }
    assertEquals(200, api.login("lockme", "lockme-password-1").statusCode());
    for (int i = 0; i < 5; i++) {
      JsonObject r = api.expect(401, HttpMethod.POST, "/login", null, new JsonObject().put("username", "lockme").put("password", "guess-" + i));
      assertEquals("login_failed", r.getString("error"));
    }
    Instant lockedAt = clock.instant();
    try {
      JsonObject locked = api.expect(423, HttpMethod.POST, "/login", null, new JsonObject().put("username", "lockme").put("password", "lockme-password-1"));
      assertEquals("account_locked", locked.getString("error"));
      assertTrue(locked.getString("message").startsWith("账号已锁定"), locked.getString("message"));
      assertTrue(locked.getString("message").contains("15 分钟"), locked.getString("message"));
      assertTrue(audit("auth.locked").stream().anyMatch(row -> row.getString("actor").equals("lockme")));

      JsonObject listed = api.expect(200, HttpMethod.GET, "/admin/users", adminToken, null).getJsonArray("users").stream()
          .map(JsonObject.class::cast).filter(u -> u.getString("username").equals("lockme")).findFirst().orElseThrow();
      assertTrue(listed.getBoolean("locked"));
      assertEquals(lockedAt.plus(Accounts.LOCK).toString(), listed.getString("lockedUntil"));

      clock.advance(Duration.ofMinutes(14));
      JsonObject still = api.expect(423, HttpMethod.POST, "/login", null, new JsonObject().put("username", "lockme").put("password", "lockme-password-1"));
      assertTrue(still.getString("message").contains("1 分钟"), still.getString("message"));
      clock.advance(Duration.ofMinutes(1));
      assertEquals(200, api.login("lockme", "lockme-password-1").statusCode(), "15 minutes later the right password works again");
      // the count starts afresh: four more failures do not lock
      for (int i = 0; i < 4; i++) {
        api.expect(401, HttpMethod.POST, "/login", null, new JsonObject().put("username", "lockme").put("password", "again-" + i));
      }
      assertEquals(200, api.login("lockme", "lockme-password-1").statusCode());

      // an administrator can unlock at once
      for (int i = 0; i < 5; i++) {
        api.login("lockme", "guess-" + i);
      }
      assertEquals(423, api.login("lockme", "lockme-password-1").statusCode());
      api.expect(200, HttpMethod.PATCH, "/admin/users/" + accountId("lockme"), adminToken, new JsonObject().put("unlock", true));
      assertEquals(200, api.login("lockme", "lockme-password-1").statusCode());
    } finally {
      clock.set(lockedAt);
    }
  }

  @Test
  @DisplayName("signing out revokes every token of the account, on this node at once")
  void signOut() throws Exception {
    api.createAccount(adminToken, "leaver", "advisor", "adv-005", "leaver-password-1");
    String first = api.token("leaver", "leaver-password-1");
    String second = api.token("leaver", "leaver-password-1");
    api.expect(200, HttpMethod.GET, "/me", second, null);
    assertEquals(204, api.send(HttpMethod.POST, "/logout", first, null).statusCode());
    assertEquals("token_revoked", api.expect(401, HttpMethod.GET, "/me", first, null).getString("error"));
    assertEquals("token_revoked", api.expect(401, HttpMethod.GET, "/me", second, null).getString("error"));
    String third = api.token("leaver", "leaver-password-1");
    api.expect(200, HttpMethod.GET, "/me", third, null);
    assertFalse(audit("auth.logout").isEmpty());
  }

  @Test
  @DisplayName("changing one's password checks the current one and the rules, and replaces every earlier token with a new one")
  void changePassword() throws Exception {
    api.createAccount(adminToken, "zhou", "advisor", "adv-001", "zhou-password-1");
    String token = api.token("zhou", "zhou-password-1");
    JsonObject tooShort = api.expect(400, HttpMethod.POST, "/me/password", token, new JsonObject().put("current", "zhou-password-1").put("new", "short"));
    assertEquals("password_too_short", tooShort.getString("error"));
    assertTrue(tooShort.getString("message").contains("至少需要 10 个字符"), tooShort.getString("message"));
    JsonObject same = api.expect(400, HttpMethod.POST, "/me/password", token, new JsonObject().put("current", "zhou-password-1").put("new", "zhou-password-1"));
    assertEquals("password_unchanged", same.getString("error"));
    api.createAccount(adminToken, "longusername", "admin", null, "longusername-password");
    String other = api.token("longusername", "longusername-password");
    JsonObject isName = api.expect(400, HttpMethod.POST, "/me/password", other, new JsonObject().put("current", "longusername-password").put("new", "LongUserName"));
    assertEquals("password_is_username", isName.getString("error"));
    JsonObject wrong = api.expect(400, HttpMethod.POST, "/me/password", token, new JsonObject().put("current", "not-my-password").put("new", "zhou-password-2"));
    assertEquals("current_password_wrong", wrong.getString("error"));
    JsonObject missing = api.expect(400, HttpMethod.POST, "/me/password", token, new JsonObject().put("new", "zhou-password-2"));
    assertTrue(missing.getString("message").contains("current"), missing.getString("message"));

    JsonObject changed = api.expect(200, HttpMethod.POST, "/me/password", token, new JsonObject().put("current", "zhou-password-1").put("new", "zhou-password-2"));
    String fresh = changed.getString("token");
    assertNotNull(fresh);
    assertEquals("token_revoked", api.expect(401, HttpMethod.GET, "/me", token, null).getString("error"));
    api.expect(200, HttpMethod.GET, "/me", fresh, null);
    assertEquals(401, api.login("zhou", "zhou-password-1").statusCode());
    assertEquals(200, api.login("zhou", "zhou-password-2").statusCode());
    assertFalse(audit("user.password_change").isEmpty());
  }

  @Test
  @DisplayName("a malformed sign-in gets a clear 4xx in Chinese: not JSON, another content type, fields missing or unknown, too large")
  void badRequests() throws Exception {
    HttpResponse<Buffer> notJson = api.client.post("/console/api/login").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("username=admin"))
        .await(10, TimeUnit.SECONDS);
    assertEquals(400, notJson.statusCode());
    assertEquals("body_invalid", notJson.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> form = api.client.post("/console/api/login").putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("username=admin&password=x")).await(10, TimeUnit.SECONDS);
    assertEquals(415, form.statusCode());
    assertTrue(form.bodyAsJsonObject().getString("message").contains("JSON"));
    JsonObject noPassword = api.expect(400, HttpMethod.POST, "/login", null, new JsonObject().put("username", "admin"));
    assertTrue(noPassword.getString("message").contains("password"), noPassword.getString("message"));
    JsonObject extra = api.expect(400, HttpMethod.POST, "/login", null, new JsonObject().put("username", "admin").put("password", "x").put("remember", true));
    assertTrue(extra.getString("message").contains("remember"), extra.getString("message"));
    JsonObject big = api.expect(413, HttpMethod.POST, "/login", null, new JsonObject().put("username", "admin").put("password", "x".repeat(5000)));
    assertNotNull(big.getString("message"));
  }

  @Test
  @DisplayName("a password hashed with fewer iterations (Vert.x's default of 10,000) is re-hashed with 210,000 at the next sign-in")
  void rehashOnSignIn() throws Exception {
    api.createAccount(adminToken, "legacy", "admin", null, "legacy-password-1");
    String weak = io.vertx.ext.auth.hashing.HashingStrategy.load().hash("pbkdf2", java.util.Map.of("it", "10000"),
        java.util.Base64.getEncoder().encodeToString(new byte[16]), "legacy-password-1");
    Database.execute(api.app.db().pool(), "UPDATE console_users SET password_hash = ? WHERE username = 'legacy'", io.vertx.sqlclient.Tuple.of(weak))
        .await(10, TimeUnit.SECONDS);
    assertEquals(200, api.login("legacy", "legacy-password-1").statusCode());
    String stored = Database.execute(api.app.db().pool(), "SELECT password_hash FROM console_users WHERE username = 'legacy'").await(10, TimeUnit.SECONDS)
        .iterator().next().getString("password_hash");
    assertTrue(stored.startsWith("$pbkdf2$it=210000$"), stored.substring(0, 20));
    assertEquals(200, api.login("legacy", "legacy-password-1").statusCode());
  }

  @Test
  @DisplayName("the audit log records sign-ins and failures with the address, never a password")
  void auditHasNoPasswords() throws Exception {
    api.login("admin", "a-wrong-guess-of-mine");
    api.login("admin", AppConfig.TEST_ADMIN_PASSWORD);
    List<Row> rows = new ArrayList<>();
    Database.execute(api.app.db().pool(), "SELECT action, detail FROM audit_log ORDER BY id").await(10, TimeUnit.SECONDS).forEach(rows::add);
    assertTrue(rows.stream().anyMatch(r -> r.getString("action").equals("auth.login")));
    assertTrue(rows.stream().anyMatch(r -> r.getString("action").equals("auth.login_failed") && r.getString("detail").contains("127.0.0.1")));
    for (Row r : rows) {
      String detail = String.valueOf(r.getString("detail"));
      for (String secret : List.of(AppConfig.TEST_ADMIN_PASSWORD, "a-wrong-guess-of-mine", "lockme-password-1", "zhou-password", "guess-", "$pbkdf2")) {
        assertFalse(detail.contains(secret), r.getString("action") + " keeps " + secret + ": " + detail);
      }
    }
    assertNotEquals(0, rows.size());
  }
}
