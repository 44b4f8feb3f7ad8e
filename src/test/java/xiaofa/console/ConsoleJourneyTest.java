package xiaofa.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import xiaofa.Main;
import xiaofa.platform.AppConfig;

/**
 * The console as its users meet it, in two headless Chromium windows against the real service: a resident writes in
 * the web simulator, the case appears in the signed-in advisor's inbox without a reload, the advisor replies and the
 * resident sees it, the advisor closes the case and the resident is asked to rate it. Screenshots of each page are
 * kept in {@code target/browser-screenshots}.
 */
@DisplayName("The console in a browser: a case from the simulator to the advisor and back")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleJourneyTest {
  static final Vertx vertx = Vertx.vertx();
  static final String ADVISOR_PASSWORD = "Advisor-Pass-2026";
  static Main.App app;
  static String base;
  static WebClient client;
  static String advisorId;

  @BeforeAll
  static void start() throws Exception {
    Path laws = Path.of("../shared/data/laws");
    // the real clock: the browser's countdowns and the server's deadlines agree
    app = Main.start(vertx, AppConfig.forTest(Path.of("target/test-data/chat-app"), Path.of("knowledge"), Files.isDirectory(laws) ? laws : null),
        Clock.systemUTC()).await(60, TimeUnit.SECONDS);
    app.ready().await(300, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + app.port();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port()));
    // the administrator makes one labour lawyer the zone's only advisor, around the clock, and gives them an account
    String admin = login("admin", AppConfig.TEST_ADMIN_PASSWORD);
    JsonArray advisors = call("GET", "/console/api/admin/advisors", admin, null).getJsonArray("advisors");
    for (int i = 0; i < advisors.size(); i++) {
      JsonObject a = advisors.getJsonObject(i);
      if (advisorId == null && a.getString("role").equals("lawyer") && a.getJsonArray("specialties").contains("labor")) {
        advisorId = a.getString("id");
        call("PATCH", "/console/api/admin/advisors/" + advisorId, admin,
            new JsonObject().put("areas", new JsonArray().add("*")).put("duty", new JsonArray().add("1-7 00:00-24:00")).put("capacity", 50).put("fallback", false));
      } else {
        call("PATCH", "/console/api/admin/advisors/" + a.getString("id"), admin, new JsonObject().put("active", false));
      }
    }
    call("POST", "/console/api/admin/users", admin, new JsonObject().put("username", "lawyer").put("displayName", "值班律师").put("role", "advisor")
        .put("advisorId", advisorId).put("password", ADVISOR_PASSWORD));
  }

  @AfterAll
  static void stop() throws Exception {
    app.stop().await(30, TimeUnit.SECONDS);
  }

  static String login(String user, String password) throws Exception {
    return call("POST", "/console/api/login", null, new JsonObject().put("username", user).put("password", password)).getString("token");
  }

  static JsonObject call(String method, String path, String token, JsonObject body) throws Exception {
    var req = client.request(io.vertx.core.http.HttpMethod.valueOf(method), path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    HttpResponse<Buffer> r = (body == null ? req.send() : req.sendJsonObject(body)).await(30, TimeUnit.SECONDS);
    assertTrue(r.statusCode() < 300, method + " " + path + " → " + r.statusCode() + " " + r.bodyAsString());
    return r.body() == null || r.body().length() == 0 ? new JsonObject() : r.bodyAsJsonObject();
  }

  static void signIn(Browser b, String user, String password) {
    b.driver.get(base + "/console/");
    b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
    b.driver.findElement(By.id("password")).sendKeys(password);
    b.driver.findElement(By.id("login-btn")).click();
    b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
  }

  static void say(Browser resident, String text) {
    WebElement input = resident.wait.until(ExpectedConditions.elementToBeClickable(By.id("input")));
    input.sendKeys(text);
    resident.driver.findElement(By.id("send-btn")).click();
  }

  static void waitForText(Browser b, String cssSelector, String text) {
    try {
      waitUntilText(b, cssSelector, text);
    } catch (org.openqa.selenium.TimeoutException e) {
      b.shot("failed-waiting");
      Object seen = ((JavascriptExecutor) b.driver).executeScript("const e = document.querySelector(arguments[0]); return e ? e.innerText : '(no element)';", cssSelector);
      throw new AssertionError("waited 20 s for “" + text + "” in " + cssSelector + "; it shows: " + seen, e);
    }
  }

  private static void waitUntilText(Browser b, String cssSelector, String text) {
    b.wait.until(d -> {
      Object t = ((JavascriptExecutor) d).executeScript("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", cssSelector);
      return String.valueOf(t).contains(text);
    });
  }

  @Test
  @Order(1)
  @DisplayName("advisor signs in; a resident's case appears live; the reply reaches the simulator; closing asks the resident to rate")
  void caseJourney() {
    try (Browser advisor = Browser.open(1280, 900); Browser resident = Browser.open(400, 820)) {
      signIn(advisor, "lawyer", ADVISOR_PASSWORD);
      advisor.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("cases-mine")));
      waitForText(advisor, "#cases-mine", "暂无");
      advisor.shot("1-advisor-inbox-empty");

      resident.driver.get(base + "/");
      say(resident, "公司拖欠我三个月工资一直不给，怎么办？");
      waitForText(resident, "body", "依据");
      say(resident, "我要找律师");
      waitForText(resident, "body", "事项编号");
      resident.shot("2-resident-handed-off");

      // the case arrives in the advisor's open inbox page through the live stream: no reload
      advisor.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#cases-mine li[data-case]")));
      WebElement item = advisor.driver.findElement(By.cssSelector("#cases-mine li[data-case] a"));
      String caseId = advisor.driver.findElement(By.cssSelector("#cases-mine li[data-case]")).getAttribute("data-case");
      assertTrue(caseId.matches("XF-\\d{8}-\\d{4}"), caseId);
      advisor.shot("3-advisor-inbox-new-case");
      item.click();

      String reply = "您好，我是值班律师。请带上劳动合同、工资条和考勤记录，明天上午到公共法律服务工作站。";
      advisor.wait.until(ExpectedConditions.elementToBeClickable(By.id("reply-text"))).sendKeys(reply);
      waitForText(advisor, "#timeline", "拖欠");
      advisor.driver.findElement(By.id("reply-btn")).click();
      advisor.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li[data-kind=advisor_reply]")));
      advisor.shot("4-advisor-case-replied");

      waitForText(resident, "body", "劳动合同、工资条和考勤记录");
      resident.shot("5-resident-sees-reply");

      new Select(advisor.driver.findElement(By.id("close-outcome"))).selectByValue("answered");
      advisor.driver.findElement(By.id("close-btn")).click();
      advisor.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li[data-kind=closed]")));
      advisor.shot("6-advisor-case-closed");
      advisor.driver.manage().window().setSize(new org.openqa.selenium.Dimension(400, 860));
      advisor.shot("6b-advisor-case-on-a-phone");

      waitForText(resident, "body", "非常满意");
      resident.shot("7-resident-asked-to-rate");

      assertEquals(List.of(), advisor.consoleErrors());
      assertEquals(List.of(), resident.consoleErrors());
    }
  }

  @Test
  @Order(2)
  @DisplayName("an administrator imports a power-list spreadsheet with one bad row and sees that row's error; nothing is replaced")
  void importWithBadRow() throws Exception {
    Path sheet = Files.createTempDirectory("xiaofa-import").resolve("权责清单.xlsx");
    Files.write(sheet, xiaofa.console.admin.AdminDeskTest.xlsx(List.of(
        xiaofa.console.admin.AdminDeskTest.row("XK-001", "建筑工程施工许可证核发", "行政许可", "3个工作日", "网上办理；不见面审批"),
        xiaofa.console.admin.AdminDeskTest.row("XK-002", "食品经营许可", "行政许可", "10个工作日", "窗口办理"),
        xiaofa.console.admin.AdminDeskTest.row("XK-777", "烟花爆竹经营许可", "行政审批", "10个工作日", "窗口办理"))));
    try (Browser admin = Browser.open(1280, 900)) {
      signIn(admin, "admin", AppConfig.TEST_ADMIN_PASSWORD);
      admin.driver.get(base + "/console/#/admin/dashboard");
      admin.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".kpis")));
      admin.shot("8-admin-dashboard");
      admin.driver.get(base + "/console/#/admin/knowledge");
      admin.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("import-file"))).sendKeys(sheet.toAbsolutePath().toString());
      admin.driver.findElement(By.id("preview-btn")).click();
      admin.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("preview-errors")));
      String errors = admin.driver.findElement(By.id("preview-errors")).getText();
      assertTrue(errors.contains("4") && errors.contains("职权类型") && errors.contains("行政审批"), errors);
      assertTrue(admin.driver.findElements(By.id("import-btn")).isEmpty(), "a preview with errors cannot be imported");
      admin.shot("9-admin-import-bad-row");
      assertTrue(app.knowledge().entry("power-XK-777").isEmpty(), "nothing was replaced");
      // the roster: the lawyer on duty takes more cases
      admin.driver.get(base + "/console/#/admin/advisors");
      admin.wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//tr[td[text()='" + advisorId + "']]//button"))).click();
      WebElement capacity = admin.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("adv-capacity")));
      capacity.clear();
      capacity.sendKeys("12");
      admin.shot("10-admin-advisor-edit");
      admin.driver.findElement(By.xpath("//div[@id='advisor-form']//button[text()='保存']")).click();
      admin.wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//tr[td[text()='" + advisorId + "'] and td[text()='12']]")));
      admin.driver.get(base + "/console/#/admin/audit");
      admin.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table")));
      waitForText(admin, "main", "case.reply");
      admin.shot("11-admin-audit");
      waitForText(admin, "main", "advisor.update");
      assertEquals(List.of(), admin.consoleErrors());
    }
  }
}
