package xiaofa.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import xiaofa.platform.AppConfig;
import xiaofa.platform.ConfigLoader;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;
import xiaofa.platform.TestDatabases;

/**
 * The first administrator and several nodes on one database, on H2 and PostgreSQL: the password from {@code
 * XIAOFA_ADMIN_PASSWORD}, or a generated one printed once; a second node creating no second administrator and
 * printing nothing; the token secret shared so a token from one node is accepted by the other; and two nodes racing
 * to create the first administrator on a new database making exactly one.
 */
@DisplayName("The first administrator and several nodes on one database")
class ConsoleNodesTest {
  static final Vertx vertx = Vertx.vertx();
  static final Clock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
  static final Pattern BANNER_PASSWORD = Pattern.compile("密码 {3}password : (\\S+)");

  @AfterAll
  static void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Starts a node and returns it with what it printed on standard output while starting. */
  record Started(ConsoleApi api, String stdout) {}

  static Started startCapturing(AppConfig config) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
    try {
      // each node on its own Vert.x, as separate processes would be
      ConsoleApi api = ConsoleApi.start(Vertx.vertx(), config, clock);
      return new Started(api, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  /** Writes to both streams: what a node prints still reaches the test log. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }

  static long admins(ConsoleApi api) throws Exception {
    return Database.execute(api.app.db().pool(), "SELECT COUNT(*) AS n FROM console_users WHERE role = 'admin'").await(10, TimeUnit.SECONDS)
        .iterator().next().getLong("n");
  }

  @Test
  @DisplayName("XIAOFA_ADMIN_PASSWORD is read into the configuration, checked without ever being shown, and never printed")
  void passwordFromEnvironment() throws Exception {
    AppConfig loaded = ConfigLoader.load(Map.of("XIAOFA_ADMIN_PASSWORD", "Env-Admin-Pass-2026"));
    assertEquals(Optional.of("Env-Admin-Pass-2026"), loaded.console().adminPassword());
    assertFalse(loaded.console().toString().contains("Env-Admin-Pass-2026"));
    assertEquals(Optional.empty(), ConfigLoader.load(Map.of()).console().adminPassword());
    IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of("XIAOFA_ADMIN_PASSWORD", "short-pw")));
    assertTrue(tooShort.getMessage().contains("XIAOFA_ADMIN_PASSWORD"), tooShort.getMessage());
    assertFalse(tooShort.getMessage().contains("short-pw"), "the error never shows the value");

    AppConfig config = ConsoleApi.config().withConsole(loaded.console());
    Started node = startCapturing(config);
    try {
      assertFalse(node.stdout().contains("Env-Admin-Pass-2026"), "the configured password is never printed");
      assertFalse(BANNER_PASSWORD.matcher(node.stdout()).find(), "no banner when the password is configured");
      assertEquals(200, node.api().login("admin", "Env-Admin-Pass-2026").statusCode());
      assertEquals(401, node.api().login("admin", AppConfig.TEST_ADMIN_PASSWORD).statusCode());
    } finally {
      node.api().stop();
    }
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("the first node prints a generated admin password once; a second node shares its tokens and creates no second admin")
  void twoNodes(String kind) throws Exception {
    AppConfig.Db db = TestDatabases.fresh(kind);
    AppConfig base = ConsoleApi.config().withDb(db);
    Started first = startCapturing(base.withConsole(new AppConfig.Console(Optional.empty())));
    Started second = null;
    try {
      Matcher m = BANNER_PASSWORD.matcher(first.stdout());
      assertTrue(m.find(), "the first start prints the banner:\n" + first.stdout());
      String generated = m.group(1);
      assertTrue(generated.length() >= 16, generated);
      assertFalse(m.find(), "printed once");
      assertTrue(first.stdout().contains("/console/") && first.stdout().contains("修改密码") && first.stdout().contains("XIAOFA_ADMIN_PASSWORD"));
      String token = first.api().token("admin", generated);

      // the second node: a password configured now is ignored (an administrator exists) and nothing is printed
      second = startCapturing(base.withConsole(new AppConfig.Console(Optional.of("Second-Node-Pass-2026"))));
      assertFalse(BANNER_PASSWORD.matcher(second.stdout()).find(), "the second node prints no password:\n" + second.stdout());
      assertEquals(1, admins(second.api()));
      assertEquals(401, second.api().login("admin", "Second-Node-Pass-2026").statusCode());

      // node 1's token works on node 2 and the other way round
      assertEquals("admin", second.api().expect(200, HttpMethod.GET, "/me", token, null).getJsonObject("user").getString("username"));
      String token2 = second.api().token("admin", generated);
      first.api().expect(200, HttpMethod.GET, "/me", token2, null);

      // an account made on node 1 signs in on node 2; its lock-out is counted across both
      first.api().createAccount(token, "shared", "advisor", "adv-001", "shared-password-1");
      for (int i = 0; i < 5; i++) {
        ConsoleApi node = i % 2 == 0 ? first.api() : second.api();
        assertEquals(401, node.login("shared", "wrong-" + i).statusCode());
      }
      assertEquals(423, second.api().login("shared", "shared-password-1").statusCode());
      assertEquals(423, first.api().login("shared", "shared-password-1").statusCode());

      // signing out on node 2 revokes the token on node 2 at once (on node 1 within its 10-second cache)
      assertEquals(204, second.api().send(HttpMethod.POST, "/logout", token2, null).statusCode());
      assertEquals(401, second.api().send(HttpMethod.GET, "/me", token2, null).statusCode());
    } finally {
      if (second != null) {
        second.api().stop();
      }
      first.api().stop();
    }
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("two nodes starting at once on a new database agree on one token secret and create one admin, announced once")
  void race(String kind) throws Exception {
    AppConfig.Db db = TestDatabases.fresh(kind);
    Database one = Database.open(vertx, db, ConsoleApi.config().dataDir()).await(60, TimeUnit.SECONDS);
    Database two = Database.open(vertx, db, ConsoleApi.config().dataDir()).await(60, TimeUnit.SECONDS);
    try {
      List<byte[]> secrets = Future.all(Accounts.tokenSecret(one.pool(), clock), Accounts.tokenSecret(two.pool(), clock)).await(30, TimeUnit.SECONDS).list();
      assertArrayEquals(secrets.get(0), secrets.get(1));
      assertEquals(32, secrets.get(0).length);
      assertArrayEquals(secrets.get(0), Accounts.tokenSecret(two.pool(), clock).await(10, TimeUnit.SECONDS), "read, not made again");

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
      Accounts a = new Accounts(vertx, one.pool(), clock, new Audit(one.pool(), clock), new ConsoleAuth(vertx, secrets.get(0), java.time.Duration.ofHours(8), one.pool(), clock));
      Accounts b = new Accounts(vertx, two.pool(), clock, new Audit(two.pool(), clock), new ConsoleAuth(vertx, secrets.get(0), java.time.Duration.ofHours(8), two.pool(), clock));
      List<Boolean> created = Future.all(a.ensureFirstAdmin(Optional.empty(), print), b.ensureFirstAdmin(Optional.empty(), print)).await(30, TimeUnit.SECONDS).list();
      assertEquals(1, created.stream().filter(x -> x).count(), created.toString());
      Matcher m = BANNER_PASSWORD.matcher(out.toString(StandardCharsets.UTF_8));
      assertTrue(m.find());
      assertFalse(m.find(), "one banner");
      assertEquals(1, a.all().await(10, TimeUnit.SECONDS).size());
      assertEquals(1L, Database.execute(one.pool(), "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.create'")
          .await(10, TimeUnit.SECONDS).iterator().next().getLong("n"));
      assertFalse(a.ensureFirstAdmin(Optional.empty(), print).await(30, TimeUnit.SECONDS), "a later start creates nothing");
    } finally {
      one.close().await(10, TimeUnit.SECONDS);
      two.close().await(10, TimeUnit.SECONDS);
    }
  }
}
