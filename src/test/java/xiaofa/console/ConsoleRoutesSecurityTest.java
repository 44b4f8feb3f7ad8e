package xiaofa.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xiaofa.platform.MutableClock;

/**
 * The proof that every console API route is protected. The routes are not listed here: they are read from the
 * {@code /console/api} router itself, built by the same function Main mounts ({@link ConsoleRoutes#api}) over the
 * application's own parts, so a route another part adds later is covered without touching this test. Each is then
 * called over real HTTP on the running application with a missing, malformed, tampered, foreign, unsigned, expired,
 * stale and deactivated user's token (all 401), and every route under {@code /admin/} with an advisor's valid token
 * (403). Path parameters get dummy values: the guards answer before any handler reads them.
 */
@DisplayName("Every console API route refuses missing, bad, expired, revoked and wrong-role tokens")
class ConsoleRoutesSecurityTest {
  static final Vertx vertx = Vertx.vertx();
  static final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
  /** The only routes anyone may call. A new public route must be added here, where reviewers see it. */
  static final Set<Endpoint> PUBLIC = Set.of(new Endpoint(HttpMethod.POST, "/login"));
  static final Set<String> AUTH_ERRORS = Set.of("unauthenticated", "token_invalid", "token_expired", "token_revoked");

  static ConsoleApi api;
  static HttpClient http;
  static Accounts.Account admin;
  static Accounts.Account advisor;
  static Map<String, String> badTokens = new LinkedHashMap<>();

  /** A route: its method and its path pattern under {@code /console/api} ({@code :id} for parameters). */
  record Endpoint(HttpMethod method, String pattern) {
    /** The path with every parameter filled with a dummy value. */
    String path() {
      return "/console/api" + pattern.replaceAll(":[A-Za-z0-9_]+", "1").replace("*", "x");
    }

    boolean adminOnly() {
      return pattern.startsWith("/admin/") || pattern.equals("/admin");
    }

    @Override
    public String toString() {
      return method + " /console/api" + pattern;
    }
  }

  /** What one request answered. */
  record Answer(int status, MultiMap headers, JsonObject body) {
    @Override
    public String toString() {
      String b = String.valueOf(body);
      return status + " " + (b.length() > 300 ? b.substring(0, 300) + "…" : b);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    api = ConsoleApi.start(vertx, ConsoleApi.config(), clock);
    http = vertx.createHttpClient();
    String adminToken = api.adminToken();
    api.createAccount(adminToken, "route-advisor", "advisor", "adv-001", "route-advisor-password");
    JsonObject retired = api.createAccount(adminToken, "route-retired", "advisor", "adv-002", "route-retired-password").getJsonObject("user");
    admin = account("admin");
    advisor = account("route-advisor");

    // a deactivated user's token: valid until the account is deactivated
    String retiredToken = api.token("route-retired", "route-retired-password");
    assertEquals(200, api.send(HttpMethod.GET, "/me", retiredToken, null).statusCode());
    api.expect(200, HttpMethod.PATCH, "/admin/users/" + retired.getLong("id"), adminToken, new JsonObject().put("active", false));

    String advisorToken = fresh(advisor);
    String[] parts = advisorToken.split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).put("role", "admin");
    String forgedClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    String unsignedHeader = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String adminClaims = fresh(admin).split("\\.")[1];
    byte[] otherSecret = new byte[32];
    new SecureRandom().nextBytes(otherSecret);
    ConsoleAuth foreign = new ConsoleAuth(vertx, otherSecret, Duration.ofHours(8), api.app.db().pool(), clock);

    badTokens.put("no token", null);
    badTokens.put("a malformed token", "Bearer not-a-token");
    badTokens.put("another scheme", "Basic " + Base64.getEncoder().encodeToString("admin:test-admin-password".getBytes(StandardCharsets.UTF_8)));
    badTokens.put("an empty bearer", "Bearer ");
    badTokens.put("an advisor's token with its role changed to admin", "Bearer " + parts[0] + "." + forgedClaims + "." + parts[2]);
    badTokens.put("an unsigned (alg none) admin token", "Bearer " + unsignedHeader + "." + adminClaims + ".");
    badTokens.put("an admin token signed with another secret", "Bearer " + foreign.issue(admin.user(), admin.tokenVersion(), clock.instant().plus(Duration.ofHours(1))));
    badTokens.put("an expired admin token", "Bearer " + api.app.consoleAuth().issue(admin.user(), admin.tokenVersion(), clock.instant().minusSeconds(1)));
    badTokens.put("an admin token of an earlier token version (signed out)", "Bearer " + api.app.consoleAuth().issue(admin.user(), admin.tokenVersion() + 1,
        clock.instant().plus(Duration.ofHours(1))));
    badTokens.put("a token of an account that does not exist", "Bearer " + api.app.consoleAuth().issue(
        new ConsoleUser(987_654, "ghost", "无此人", ConsoleUser.Role.ADMIN, null), 0, clock.instant().plus(Duration.ofHours(1))));
    badTokens.put("a deactivated user's token", "Bearer " + retiredToken);
  }

  @AfterAll
  static void stop() throws Exception {
    http.close();
    api.stop();
  }

  static Accounts.Account account(String username) throws Exception {
    return api.app.accounts().all().await(10, TimeUnit.SECONDS).stream().filter(a -> a.username().equals(username)).findFirst().orElseThrow();
  }

  /** A valid token of the account as it is now (calling a route may sign it out: each call gets a fresh one). */
  static String fresh(Accounts.Account a) throws Exception {
    Accounts.Account now = api.app.accounts().find(a.id()).await(10, TimeUnit.SECONDS).orElseThrow();
    return api.app.consoleAuth().issue(now.user(), now.tokenVersion(), clock.instant().plus(Duration.ofHours(1)));
  }

  // ---------------------------------------------------------------- the router's routes

  /** Every (method, path) of a router, sub-routers included; routes without a path (headers, authentication) skipped. */
  static Set<Endpoint> endpoints(Router router, String prefix) {
    Set<Endpoint> out = new LinkedHashSet<>();
    for (Route r : router.getRoutes()) {
      if (r.getPath() == null) {
        if (r.isRegexPath()) {
          // (a path with :parameters counts as a regular expression too, but keeps its path)
          fail("route " + r.getName() + " has a regular-expression path that this test cannot fill in; give it a plain path with :parameters");
        }
        continue;
      }
      if (r.getSubRouter() != null) {
        out.addAll(endpoints(r.getSubRouter(), prefix + r.getPath().replaceAll("/?\\*$", "")));
        continue;
      }
      Set<HttpMethod> methods = r.methods() == null || r.methods().isEmpty() ? Set.of(HttpMethod.GET, HttpMethod.POST) : r.methods();
      for (HttpMethod m : methods) {
        out.add(new Endpoint(m, prefix + r.getPath()));
      }
    }
    return out;
  }

  static Set<Endpoint> all() {
    return endpoints(ConsoleRoutes.api(vertx, api.app.consoleAuth(), api.app.consoleParts()), "");
  }

  static Set<Endpoint> publicOnes() {
    Router r = Router.router(vertx);
    api.app.consoleParts().forEach(p -> p.mountPublic(r));
    return endpoints(r, "");
  }

  static List<Endpoint> protectedOnes() {
    List<Endpoint> out = new ArrayList<>(all());
    out.removeAll(publicOnes());
    return out;
  }

  /** One request with this Authorization header (null: none); an event stream is cut off once its headers are in. */
  static Answer call(Endpoint e, String authorization) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(e.method()).setHost("127.0.0.1").setPort(api.app.port()).setURI(e.path());
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    boolean withBody = e.method() == HttpMethod.POST || e.method() == HttpMethod.PUT || e.method() == HttpMethod.PATCH;
    if (withBody) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options).compose(req -> (withBody ? req.send("{}") : req.send()).compose(resp -> answer(req, resp))).await(30, TimeUnit.SECONDS);
  }

  private static Future<Answer> answer(io.vertx.core.http.HttpClientRequest req, HttpClientResponse resp) {
    if (String.valueOf(resp.getHeader("Content-Type")).startsWith("text/event-stream")) {
      Answer a = new Answer(resp.statusCode(), resp.headers(), new JsonObject());
      resp.exceptionHandler(e -> {});
      return req.reset().map(a).otherwise(a);
    }
    return resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(),
        b.length() > 0 && String.valueOf(resp.getHeader("Content-Type")).startsWith("application/json") ? b.toJsonObject() : new JsonObject()));
  }

  static void assertSecurityHeaders(Answer a, String what) {
    assertEquals("nosniff", a.headers().get("X-Content-Type-Options"), what);
    assertEquals("DENY", a.headers().get("X-Frame-Options"), what);
    String csp = a.headers().get("Content-Security-Policy");
    assertNotNull(csp, what + ": no Content-Security-Policy");
    assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), what + ": " + csp);
    for (String directive : csp.split(";")) {
      String[] words = directive.strip().split("\\s+");
      for (int i = 1; i < words.length; i++) {
        assertTrue(Set.of("'self'", "'none'", "data:").contains(words[i]), what + ": the CSP allows " + words[i] + " in " + directive.strip());
      }
    }
  }

  // ---------------------------------------------------------------- the proofs

  @Test
  @DisplayName("the router's routes are found, and only sign-in is public")
  void routesAreFound() {
    Set<Endpoint> all = all();
    assertTrue(all.contains(new Endpoint(HttpMethod.GET, "/me")), all.toString());
    assertTrue(all.contains(new Endpoint(HttpMethod.PATCH, "/admin/users/:id")), all.toString());
    assertTrue(all.contains(new Endpoint(HttpMethod.POST, "/admin/advisors")), all.toString());
    assertEquals(PUBLIC, publicOnes(), "public console routes must be reviewed: only sign-in is public");
    assertTrue(protectedOnes().size() >= 9, protectedOnes().toString());
    System.out.println("console routes checked: " + protectedOnes());
  }

  @Test
  @DisplayName("every protected route answers 401 to a missing, malformed, tampered, foreign, unsigned, expired, stale or deactivated user's token")
  void everyRouteNeedsAValidToken() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Endpoint e : protectedOnes()) {
      for (Map.Entry<String, String> bad : badTokens.entrySet()) {
        Answer a = call(e, bad.getValue());
        assertSecurityHeaders(a, e.toString());
        if (a.status() != 401 || !AUTH_ERRORS.contains(a.body().getString("error")) || !a.body().getString("message", "").matches(".*\\p{IsHan}.*")
            || !String.valueOf(a.headers().get("WWW-Authenticate")).startsWith("Bearer")) {
          failures.add(e + " with " + bad.getKey() + " answered " + a);
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  @DisplayName("every route under /admin/ answers 403 to an advisor's valid token; the same token passes authentication elsewhere")
  void adminRoutesRefuseAdvisors() throws Exception {
    List<Endpoint> admins = protectedOnes().stream().filter(Endpoint::adminOnly).toList();
    assertTrue(admins.size() >= 5, admins.toString());
    for (Endpoint e : protectedOnes()) {
      if (e.adminOnly()) {
        Answer a = call(e, "Bearer " + fresh(advisor));
        assertSecurityHeaders(a, e.toString());
        assertEquals(403, a.status(), e + " with an advisor's token: " + a);
        assertEquals("forbidden", a.body().getString("error"));
      } else if (e.method() == HttpMethod.GET) {
        Answer a = call(e, "Bearer " + fresh(advisor));
        assertNotEquals(401, a.status(), e + " refused an advisor's valid token: " + a);
      }
    }
  }

  @Test
  @DisplayName("an administrator's valid token passes every read-only route, so the refusals above are the tokens' doing")
  void validTokensPass() throws Exception {
    for (Endpoint e : protectedOnes()) {
      if (e.method() == HttpMethod.GET) {
        Answer a = call(e, "Bearer " + fresh(admin));
        assertSecurityHeaders(a, e.toString());
        assertNotEquals(401, a.status(), e + ": " + a);
        assertNotEquals(403, a.status(), e + ": " + a);
      }
    }
  }

  @Test
  @DisplayName("a token stops working when the clock passes its expiry (8 hours)")
  void tokensExpire() throws Exception {
    Endpoint me = new Endpoint(HttpMethod.GET, "/me");
    String token = "Bearer " + api.token("route-advisor", "route-advisor-password");
    assertEquals(200, call(me, token).status());
    Instant start = clock.instant();
    try {
      clock.advance(Duration.ofHours(8).minusSeconds(5));
      assertEquals(200, call(me, token).status());
      clock.advance(Duration.ofSeconds(5));
      Answer a = call(me, token);
      assertEquals(401, a.status());
      assertEquals("token_expired", a.body().getString("error"));
    } finally {
      clock.set(start);
    }
  }

  @Test
  @DisplayName("unknown paths under /console/api are behind authentication too, and sign-in carries the security headers")
  void unknownPathsAndSignIn() throws Exception {
    Endpoint unknown = new Endpoint(HttpMethod.GET, "/no-such-route");
    assertEquals(401, call(unknown, null).status());
    assertEquals(404, call(unknown, "Bearer " + fresh(admin)).status());
    Answer wrongMethod = call(new Endpoint(HttpMethod.DELETE, "/login"), null);
    assertEquals(401, wrongMethod.status());
    Answer login = call(new Endpoint(HttpMethod.POST, "/login"), null);
    assertEquals(400, login.status(), login.body().encode());
    assertSecurityHeaders(login, "POST /login");
    assertFalse(login.headers().contains("Set-Cookie"), "the console never sets a cookie");
  }
}
