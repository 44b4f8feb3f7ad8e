package xiaofa.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Loads {@link AppConfig}: defaults from {@code xiaofa-defaults.properties} in the jar, overridden by {@code
 * XIAOFA_*} environment variables ({@code XIAOFA_HTTP_PORT} overrides {@code http.port}). Every invalid value is
 * reported at once, naming the variable.
 */
public final class ConfigLoader {
  private static final String PREFIX = "XIAOFA_";

  private final Properties values = new Properties();
  private final List<String> errors = new ArrayList<>();

  private ConfigLoader(Map<String, String> env) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/xiaofa-defaults.properties")) {
      values.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.forEach(
        (k, v) -> {
          if (k.startsWith(PREFIX)) {
            values.setProperty(k.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
          }
        });
  }

  /** Loads the configuration for this process's environment. */
  public static AppConfig fromEnvironment() {
    return load(System.getenv());
  }

  /** Loads the configuration from the given environment; throws {@link IllegalArgumentException} listing all errors. */
  public static AppConfig load(Map<String, String> env) {
    ConfigLoader l = new ConfigLoader(env);
    int cores = Runtime.getRuntime().availableProcessors();
    int instances = l.integer("http.instances", 0, 64);
    int threads = l.integer("search.threads", 0, 256);
    AppConfig config =
        new AppConfig(
            new AppConfig.Http(l.string("http.host"), l.integer("http.port", 0, 65535), instances == 0 ? cores : instances),
            Path.of(l.string("data.dir")),
            new AppConfig.Knowledge(
                l.optionalDir("knowledge.dir").or(() -> AppConfig.existingDir(Path.of("knowledge"))),
                l.optionalDir("laws.dir"),
                l.integer("knowledge.poll.seconds", 0, 86_400)),
            new AppConfig.Search(threads == 0 ? cores : threads, l.integer("search.cache.size", 0, 10_000_000), l.bool("search.vectors"),
                l.integer("search.results.cache.size", 0, 1_000_000)),
            new AppConfig.Db(l.optionalJdbcUrl("db.url"), l.string("db.user"), l.string("db.password"), l.integer("db.pool.size", 1, 200)),
            new AppConfig.Handoff(
                Duration.ofMinutes(l.integer("handoff.sla.urgent.minutes", 1, 7 * 24 * 60)),
                Duration.ofMinutes(l.integer("handoff.sla.normal.minutes", 1, 30 * 24 * 60)),
                Duration.ofSeconds(l.integer("handoff.sla.check.seconds", 1, 3600)),
                l.zone("zone.timezone"),
                Duration.ofMinutes(l.integer("dialog.session.minutes", 1, 7 * 24 * 60))),
            l.wechat(),
            l.gridApps("grid.apps"),
            new AppConfig.Console(l.adminPassword("admin.password")));
    if (!l.errors.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration: " + String.join("; ", l.errors));
    }
    return config;
  }

  private static final Pattern WECHAT_TOKEN = Pattern.compile("[A-Za-z0-9]{3,32}");
  private static final Pattern WECHAT_APP_ID = Pattern.compile("wx[A-Za-z0-9]{16}");
  private static final Pattern WECHAT_AES_KEY = Pattern.compile("[A-Za-z0-9]{43}");

  /** The WeChat channel: off unless token, AppID and AppSecret are all given; each given value is checked. */
  private AppConfig.WeChat wechat() {
    String token = string("wechat.token");
    String appId = string("wechat.app.id");
    String secret = string("wechat.app.secret");
    String aesKey = string("wechat.aes.key");
    String previous = string("wechat.aes.key.previous");
    if (!token.isEmpty() && !WECHAT_TOKEN.matcher(token).matches()) {
      errors.add(envName("wechat.token") + " must be 3 to 32 letters or digits, as set in the official account's console");
    }
    if (!appId.isEmpty() && !WECHAT_APP_ID.matcher(appId).matches()) {
      errors.add(envName("wechat.app.id") + "=" + appId + " is not an AppID (wx followed by 16 letters or digits)");
    }
    if (!secret.isEmpty() && secret.length() != 32) {
      errors.add(envName("wechat.app.secret") + " must be the 32-character AppSecret");
    }
    for (String k : List.of("wechat.aes.key", "wechat.aes.key.previous")) {
      String v = string(k);
      if (!v.isEmpty() && !WECHAT_AES_KEY.matcher(v).matches()) {
        errors.add(envName(k) + " must be the 43-character EncodingAESKey (letters and digits)");
      }
    }
    long budget = integer("wechat.passive.budget.ms", 0, 4800);
    return new AppConfig.WeChat(token, appId, secret, aesKey, previous, url("wechat.api.base").orElse(URI.create("https://api.weixin.qq.com")),
        Duration.ofMillis(budget), url("public.url"), optionalFile("wechat.menu"));
  }

  private Optional<URI> url(String key) {
    String v = string(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI u = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        errors.add(envName(key) + "=" + v + " must be an http(s) URL such as https://xiaofa.example.gov.cn");
      }
      return Optional.of(u);
    } catch (URISyntaxException e) {
      errors.add(envName(key) + "=" + v + " is not a URL");
      return Optional.empty();
    }
  }

  private Optional<Path> optionalFile(String key) {
    String v = string(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    Path p = Path.of(v);
    if (!Files.isRegularFile(p)) {
      errors.add(envName(key) + "=" + v + " is not a file");
    }
    return Optional.of(p);
  }

  private static String envName(String key) {
    return PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private String string(String key) {
    return values.getProperty(key, "").trim();
  }

  private int integer(String key, int min, int max) {
    String v = string(key);
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        errors.add(envName(key) + "=" + v + " is outside " + min + ".." + max);
      }
      return i;
    } catch (NumberFormatException e) {
      errors.add(envName(key) + "=" + v + " is not a whole number");
      return min;
    }
  }

  private boolean bool(String key) {
    String v = string(key).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      errors.add(envName(key) + "=" + v + " must be true or false");
    }
    return v.equals("true");
  }

  private Optional<String> optionalJdbcUrl(String key) {
    String v = string(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!v.startsWith("jdbc:postgresql:") && !v.startsWith("jdbc:h2:")) {
      errors.add(envName(key) + " must be a jdbc:postgresql: or jdbc:h2: URL");
    }
    return Optional.of(v);
  }

  private ZoneId zone(String key) {
    String v = string(key);
    try {
      return ZoneId.of(v);
    } catch (DateTimeException e) {
      errors.add(envName(key) + "=" + v + " is not a time zone such as Asia/Shanghai");
      return ZoneId.of("Asia/Shanghai");
    }
  }

  private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * {@code appId:secret:callbackUrl} entries separated by commas. Split on the first two colons only (the URL has its
   * own); errors name the entry and the app, never the secret.
   */
  private AppConfig.Grid gridApps(String key) {
    List<AppConfig.Grid.App> apps = new ArrayList<>();
    String v = string(key);
    if (v.isEmpty()) {
      return new AppConfig.Grid(apps);
    }
    String[] entries = v.split(",");
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      String where = envName(key) + " entry " + (i + 1);
      String[] parts = entry.split(":", 3);
      if (parts.length < 3) {
        errors.add(where + " must be appId:secret:callbackUrl");
        continue;
      }
      String appId = parts[0].strip();
      String secret = parts[1].strip();
      if (!APP_ID.matcher(appId).matches()) {
        errors.add(where + ": the app id must be 1 to 64 of A-Z a-z 0-9 _ -");
        continue;
      }
      where += " (app " + appId + ")";
      if (secret.length() < 16) {
        errors.add(where + ": the secret must be at least 16 characters");
      }
      URI url = null;
      try {
        url = new URI(parts[2].strip());
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
          errors.add(where + ": the callback must be an http:// or https:// URL with a host");
        }
      } catch (URISyntaxException e) {
        errors.add(where + ": the callback URL is not a URL");
      }
      String id = appId;
      if (apps.stream().anyMatch(a -> a.appId().equals(id))) {
        errors.add(where + ": the app id appears twice");
      }
      apps.add(new AppConfig.Grid.App(appId, secret, url));
    }
    return new AppConfig.Grid(apps);
  }

  /** The first administrator's password: at least 10 characters when given; errors never show it. */
  private Optional<String> adminPassword(String key) {
    String v = values.getProperty(key, "");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    int length = v.codePointCount(0, v.length());
    if (length < 10 || length > 200 || v.isBlank()) {
      errors.add(envName(key) + " must be 10 to 200 characters (the password of the console's first administrator, admin)");
    }
    return Optional.of(v);
  }

  private Optional<Path> optionalDir(String key) {
    String v = string(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    Path p = Path.of(v);
    if (!Files.isDirectory(p)) {
      errors.add(envName(key) + "=" + v + " is not a folder");
    }
    return Optional.of(p);
  }
}
