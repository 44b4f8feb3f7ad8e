package xiaofa.platform;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The whole configuration, loaded and validated once at start ({@link ConfigLoader}) and passed down as
 * sub-records. Tests build it directly.
 */
public record AppConfig(Http http, Path dataDir, Knowledge knowledge, Search search, Db db, Handoff handoff, WeChat wechat, Grid grid, Console console) {

  /** The HTTP server. {@code instances} is the number of HTTP verticles (one event loop each). */
  public record Http(String host, int port, int instances) {}

  /**
   * Knowledge sources. {@code dir} empty means the copy bundled in the jar; {@code lawsDir} empty means no law
   * corpus. {@code pollSeconds} 0 disables the change check.
   */
  public record Knowledge(Optional<Path> dir, Optional<Path> lawsDir, int pollSeconds) {}

  /**
   * Search: worker threads, query-embedding cache size, whether the dense-vector half is on, how many searches are
   * remembered with their hits (0: none).
   */
  public record Search(int threads, int cacheSize, boolean vectors, int resultCacheSize) {}

  /**
   * The SQL database: {@code url} empty means the embedded H2 file database under the data dir; a {@code
   * jdbc:postgresql:} URL for several nodes.
   */
  public record Db(Optional<String> url, String user, String password, int poolSize) {
    @Override
    public String toString() {
      return "Db[url=" + url.map(u -> u.replaceAll("password=[^&;]*", "password=***")).orElse("(embedded H2)") + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
  }

  /**
   * Hand-off: first-response time limits for urgent and normal cases, how often overdue cases are looked for, the
   * zone's time zone (duty hours and case numbers), how long a resident's conversation context is kept.
   */
  public record Handoff(Duration urgentSla, Duration normalSla, Duration slaCheck, ZoneId zone, Duration session) {}

  /**
   * The WeChat official-account channel: the server-URL token, the account's AppID and AppSecret, the
   * EncodingAESKey (and the previous one while a rotation settles; empty when none), the API base URL, how long a
   * push may wait for its answer before the answer goes out as a customer-service message instead, the public base
   * URL of this service (links in news cards and the menu; empty: text replies only) and the menu file (empty: {@code
   * channels/wechat/menu.json}, else the copy in the jar). The channel is on only when token, AppID and AppSecret are
   * all set.
   */
  public record WeChat(
      String token, String appId, String appSecret, String aesKey, String previousAesKey, URI apiBase, Duration passiveBudget,
      Optional<URI> publicUrl, Optional<Path> menuFile) {
    public boolean enabled() {
      return !token.isEmpty() && !appId.isEmpty() && !appSecret.isEmpty();
    }

    /** Off: the channel answers nothing and logs why. */
    public static WeChat off() {
      return new WeChat("", "", "", "", "", URI.create("https://api.weixin.qq.com"), Duration.ofMillis(4000), Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
      return "WeChat[enabled=" + enabled() + ", appId=" + appId + ", token=" + (token.isEmpty() ? "" : "***") + ", appSecret="
          + (appSecret.isEmpty() ? "" : "***") + ", aesKey=" + (aesKey.isEmpty() ? "" : "***") + ", apiBase=" + apiBase
          + ", passiveBudget=" + passiveBudget.toMillis() + "ms, publicUrl=" + publicUrl.map(URI::toString).orElse("") + "]";
    }
  }

  /**
   * The field app (网格通): the apps allowed to call {@code /grid/v1}, each with its HMAC secret and the URL its case
   * events are posted to. No apps: the channel is off.
   */
  public record Grid(List<App> apps) {
    public Grid {
      apps = List.copyOf(apps);
    }

    public boolean enabled() {
      return !apps.isEmpty();
    }

    public Optional<App> app(String appId) {
      return apps.stream().filter(a -> a.appId().equals(appId)).findFirst();
    }

    /** One field app: its id (header {@code X-Xiaofa-App}), its shared secret and its callback URL. */
    public record App(String appId, String secret, URI callbackUrl) {
      @Override
      public String toString() {
        return "App[appId=" + appId + ", secret=***, callbackUrl=" + callbackUrl + "]";
      }
    }
  }

  /**
   * The advisors' console: the password of the first administrator ({@code admin}), used only at the start that
   * creates it (no administrator in the database yet); empty: a generated one is printed once.
   */
  public record Console(Optional<String> adminPassword) {
    @Override
    public String toString() {
      return "Console[adminPassword=" + (adminPassword.isPresent() ? "***" : "(generated at the first start)") + "]";
    }
  }

  /** The first administrator's password in {@link #forTest} configurations (never a default outside tests). */
  public static final String TEST_ADMIN_PASSWORD = "test-admin-password";

  /** The same configuration with this console setting. */
  public AppConfig withConsole(Console c) {
    return new AppConfig(http, dataDir, knowledge, search, db, handoff, wechat, grid, c);
  }

  /** The same configuration on this database (several nodes on one database, in tests). */
  public AppConfig withDb(Db d) {
    return new AppConfig(http, dataDir, knowledge, search, d, handoff, wechat, grid, console);
  }

  /** The same configuration with this WeChat channel. */
  public AppConfig withWeChat(WeChat w) {
    return new AppConfig(http, dataDir, knowledge, search, db, handoff, w, grid, console);
  }

  /** The same configuration with these field apps. */
  public AppConfig withGrid(Grid g) {
    return new AppConfig(http, dataDir, knowledge, search, db, handoff, wechat, g, console);
  }

  /** The index lives here, one sub-folder per content hash. */
  public Path indexDir() {
    return dataDir.resolve("index");
  }

  /**
   * Defaults for tests: a random port, the given data dir, knowledge from {@code dir}, a fresh in-memory database whose
   * first administrator {@code admin} has the password {@link #TEST_ADMIN_PASSWORD}.
   */
  public static AppConfig forTest(Path dataDir, Path knowledgeDir, Path lawsDir) {
    return new AppConfig(
        new Http("127.0.0.1", 0, 1),
        dataDir,
        new Knowledge(Optional.ofNullable(knowledgeDir), Optional.ofNullable(lawsDir), 0),
        new Search(2, 1000, true, 1000),
        new Db(Optional.of(Database.h2Url("mem:test-" + UUID.randomUUID())), "sa", "", 4),
        new Handoff(Duration.ofMinutes(15), Duration.ofHours(2), Duration.ofSeconds(30), ZoneId.of("Asia/Shanghai"), Duration.ofMinutes(30)),
        WeChat.off(),
        new Grid(List.of()),
        new Console(Optional.of(TEST_ADMIN_PASSWORD)));
  }

  static Optional<Path> existingDir(Path p) {
    return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
  }
}
