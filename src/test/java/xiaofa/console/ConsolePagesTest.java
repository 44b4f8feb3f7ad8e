package xiaofa.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;
import xiaofa.Main;
import xiaofa.platform.AppConfig;
import xiaofa.platform.MutableClock;

/** The console's pages load in a real browser from the service alone: no script, style or font from anywhere else. */
@DisplayName("The console's pages in headless Chromium")
class ConsolePagesTest {
  static final Vertx vertx = Vertx.vertx();
  static Main.App app;

  @BeforeAll
  static void start() throws Exception {
    Path laws = Path.of("../shared/data/laws");
    app = Main.start(vertx, AppConfig.forTest(Path.of("target/test-data/chat-app"), Path.of("knowledge"), Files.isDirectory(laws) ? laws : null),
        new MutableClock(Instant.parse("2026-11-24T02:00:00Z"))).await(60, TimeUnit.SECONDS);
    app.ready().await(300, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    app.stop().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("the sign-in page shows, loads only same-origin resources and logs no errors")
  void signInPage() {
    try (Browser b = Browser.open(1280, 800)) {
      String base = "http://127.0.0.1:" + app.port();
      b.driver.get(base + "/console");
      b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
      assertTrue(b.driver.getCurrentUrl().startsWith(base + "/console/"), "/console redirects to /console/: " + b.driver.getCurrentUrl());
      @SuppressWarnings("unchecked")
      List<String> resources = (List<String>) ((JavascriptExecutor) b.driver).executeScript(
          "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);");
      for (String r : resources) {
        assertTrue(r.startsWith(base + "/"), "loaded from elsewhere: " + r);
      }
      b.shot("console-sign-in");
      assertEquals(List.of(), b.consoleErrors());
    }
  }
}
