package xiaofa.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  @DisplayName("defaults come from the jar: port 8080, data in ./data, vectors on")
  void defaults() {
    AppConfig c = ConfigLoader.load(Map.of());
    assertEquals(8080, c.http().port());
    assertEquals(Path.of("./data"), c.dataDir());
    assertEquals(Path.of("./data").resolve("index"), c.indexDir());
    assertEquals(Optional.empty(), c.knowledge().lawsDir());
    assertTrue(c.search().vectors());
    assertTrue(c.http().instances() >= 1);
  }

  @Test
  @DisplayName("XIAOFA_* environment variables override the defaults")
  void overrides(@TempDir Path dir) {
    AppConfig c = ConfigLoader.load(Map.of(
        "XIAOFA_HTTP_PORT", "9090",
        "XIAOFA_DATA_DIR", dir.toString(),
        "XIAOFA_KNOWLEDGE_DIR", dir.toString(),
        "XIAOFA_LAWS_DIR", dir.toString(),
        "XIAOFA_SEARCH_VECTORS", "false",
        "XIAOFA_KNOWLEDGE_POLL_SECONDS", "0",
        "PATH", "/usr/bin"));
    assertEquals(9090, c.http().port());
    assertEquals(dir, c.dataDir());
    assertEquals(Optional.of(dir), c.knowledge().dir());
    assertEquals(Optional.of(dir), c.knowledge().lawsDir());
    assertEquals(0, c.knowledge().pollSeconds());
    assertEquals(false, c.search().vectors());
  }

  @Test
  @DisplayName("every invalid value is reported at once, naming its variable")
  void invalid() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of(
        "XIAOFA_HTTP_PORT", "http",
        "XIAOFA_LAWS_DIR", "/no/such/folder",
        "XIAOFA_SEARCH_VECTORS", "yes")));
    assertTrue(e.getMessage().contains("XIAOFA_HTTP_PORT=http"), e.getMessage());
    assertTrue(e.getMessage().contains("XIAOFA_LAWS_DIR=/no/such/folder is not a folder"), e.getMessage());
    assertTrue(e.getMessage().contains("XIAOFA_SEARCH_VECTORS=yes"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of("XIAOFA_HTTP_PORT", "70000")));
  }

  @Test
  @DisplayName("reads the database and hand-off settings, rejects bad ones, and never prints the password")
  void databaseAndHandoff() {
    AppConfig c = ConfigLoader.load(Map.of(
        "XIAOFA_DB_URL", "jdbc:postgresql://db:5432/xiaofa",
        "XIAOFA_DB_USER", "xiaofa",
        "XIAOFA_DB_PASSWORD", "s3cret",
        "XIAOFA_HANDOFF_SLA_URGENT_MINUTES", "10"));
    assertEquals(Optional.of("jdbc:postgresql://db:5432/xiaofa"), c.db().url());
    assertEquals(java.time.Duration.ofMinutes(10), c.handoff().urgentSla());
    assertEquals(java.time.Duration.ofMinutes(120), c.handoff().normalSla());
    assertTrue(!c.toString().contains("s3cret"), c.toString());
    assertEquals(Optional.empty(), ConfigLoader.load(Map.of()).db().url(), "the embedded H2 database by default");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of(
        "XIAOFA_DB_URL", "mysql://x", "XIAOFA_ZONE_TIMEZONE", "Mars/Olympus", "XIAOFA_HANDOFF_SLA_NORMAL_MINUTES", "0")));
    assertTrue(e.getMessage().contains("XIAOFA_DB_URL"), e.getMessage());
    assertTrue(e.getMessage().contains("XIAOFA_ZONE_TIMEZONE=Mars/Olympus"), e.getMessage());
    assertTrue(e.getMessage().contains("XIAOFA_HANDOFF_SLA_NORMAL_MINUTES=0"), e.getMessage());
  }

  @Test
  @DisplayName("the WeChat channel is off by default, on with token, AppID and AppSecret, and every bad value is named")
  void wechat() {
    assertFalse(ConfigLoader.load(Map.of()).wechat().enabled());
    AppConfig c = ConfigLoader.load(Map.of(
        "XIAOFA_WECHAT_TOKEN", "harnessToken2024",
        "XIAOFA_WECHAT_APP_ID", "wx1234567890abcdef",
        "XIAOFA_WECHAT_APP_SECRET", "0123456789abcdef0123456789abcdef",
        "XIAOFA_WECHAT_AES_KEY", "HarnessKey0123456789abcdefghijklmnopqrstuvw",
        "XIAOFA_WECHAT_PASSIVE_BUDGET_MS", "0",
        "XIAOFA_PUBLIC_URL", "https://xiaofa.example.gov.cn/"));
    assertTrue(c.wechat().enabled());
    assertEquals(java.time.Duration.ZERO, c.wechat().passiveBudget());
    assertEquals("https://xiaofa.example.gov.cn", c.wechat().publicUrl().orElseThrow().toString());
    String shown = c.wechat().toString();
    assertFalse(shown.contains("harnessToken2024") || shown.contains("0123456789abcdef0123") || shown.contains("HarnessKey"), shown);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of(
        "XIAOFA_WECHAT_TOKEN", "has spaces!",
        "XIAOFA_WECHAT_APP_ID", "gh_notanappid",
        "XIAOFA_WECHAT_APP_SECRET", "short",
        "XIAOFA_WECHAT_AES_KEY", "tooShort",
        "XIAOFA_WECHAT_PASSIVE_BUDGET_MS", "6000",
        "XIAOFA_PUBLIC_URL", "ftp://x")));
    for (String name : new String[] {"XIAOFA_WECHAT_TOKEN", "XIAOFA_WECHAT_APP_ID", "XIAOFA_WECHAT_APP_SECRET", "XIAOFA_WECHAT_AES_KEY",
        "XIAOFA_WECHAT_PASSIVE_BUDGET_MS", "XIAOFA_PUBLIC_URL"}) {
      assertTrue(e.getMessage().contains(name), name + " missing from: " + e.getMessage());
    }
    assertFalse(e.getMessage().contains("short"), "secrets are not echoed");
  }
}
