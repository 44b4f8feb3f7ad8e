package xiaofa.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Configuring the field apps (XIAOFA_GRID_APPS)")
class GridAppsConfigTest {
  static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  @DisplayName("is off by default and in tests")
  void off() {
    assertFalse(ConfigLoader.load(Map.of()).grid().enabled());
    assertFalse(AppConfig.forTest(java.nio.file.Path.of("target"), null, null).grid().enabled());
  }

  @Test
  @DisplayName("splits each entry on its first two colons only, so the callback URL keeps its own")
  void parses() {
    AppConfig.Grid grid = ConfigLoader.load(Map.of("XIAOFA_GRID_APPS",
        "wgt-demo:" + SECRET + ":http://127.0.0.1:18181/callback?x=1, other_app:" + SECRET + "zz:https://field.example/xiaofa/events")).grid();
    assertTrue(grid.enabled());
    assertEquals(2, grid.apps().size());
    AppConfig.Grid.App demo = grid.app("wgt-demo").orElseThrow();
    assertEquals(SECRET, demo.secret());
    assertEquals(URI.create("http://127.0.0.1:18181/callback?x=1"), demo.callbackUrl());
    assertEquals(URI.create("https://field.example/xiaofa/events"), grid.app("other_app").orElseThrow().callbackUrl());
  }

  @Test
  @DisplayName("never shows a secret in toString")
  void masks() {
    AppConfig.Grid grid = ConfigLoader.load(Map.of("XIAOFA_GRID_APPS", "wgt-demo:" + SECRET + ":http://127.0.0.1:18181/cb")).grid();
    assertFalse(grid.toString().contains(SECRET), grid.toString());
    assertTrue(grid.toString().contains("secret=***"));
  }

  @Test
  @DisplayName("names every bad entry at once, without echoing its secret")
  void refuses() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of("XIAOFA_GRID_APPS", String.join(",",
        "bad id:" + SECRET + ":http://a.example/cb",
        "short:tooshort-secret:http://a.example/cb",
        "ftp:" + SECRET + ":ftp://a.example/cb",
        "nourl:" + SECRET,
        "dup:" + SECRET + ":http://a.example/cb",
        "dup:" + SECRET + ":http://b.example/cb"))));
    String m = e.getMessage();
    assertTrue(m.contains("XIAOFA_GRID_APPS entry 1: the app id"), m);
    assertTrue(m.contains("entry 2 (app short): the secret must be at least 16 characters"), m);
    assertTrue(m.contains("entry 3 (app ftp): the callback must be an http:// or https:// URL"), m);
    assertTrue(m.contains("entry 4 must be appId:secret:callbackUrl"), m);
    assertTrue(m.contains("entry 6 (app dup): the app id appears twice"), m);
    assertFalse(m.contains(SECRET) || m.contains("tooshort-secret"), m);
  }
}
