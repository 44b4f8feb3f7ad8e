package xiaofa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.Outcome;
import xiaofa.knowledge.Category;

import xiaofa.platform.AppConfig;
import xiaofa.platform.MutableClock;

/**
 * A resident's whole journey through {@code /api/chat}, on the repository's knowledge (and the shared law corpus
 * when it is there, so that citations are verified): a cited answer, a hand-off to a labour-law advisor, the
 * advisor's reply arriving in the simulator's mailbox, closing, the rating and its follow-up; plus urgent messages,
 * classification without side effects and bad input.
 */
@DisplayName("Chatting with xiaofa through the web channel")
class ChatFlowTest {
  static final Vertx vertx = Vertx.vertx();
  // Tuesday 10:00 in Pingjiang: office hours
  static final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
  static final Path SHARED_LAWS = Path.of("../shared/data/laws");
  static final boolean LAWS = Files.isDirectory(SHARED_LAWS);
  static Main.App app;
  static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    // a stable data dir: the index generation for these sources is reused between runs
    Path data = Path.of("target/test-data/chat-app");
    AppConfig config = AppConfig.forTest(data, Path.of("knowledge"), LAWS ? SHARED_LAWS : null);
    app = Main.start(vertx, config, clock).await(60, TimeUnit.SECONDS);
    app.ready().await(300, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    app.stop().await(30, TimeUnit.SECONDS);
  }

  static JsonObject chat(String user, String text) throws Exception {
    HttpResponse<Buffer> r = client.post("/api/chat").sendJsonObject(new JsonObject().put("user", user).put("text", text)).await(30, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  static JsonArray mailbox(String user, String kind) throws Exception {
    for (int i = 0; i < 50; i++) {
      JsonArray messages = client.get("/api/chat/messages?user=" + user + "&after=0").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("messages");
      if (messages.stream().anyMatch(m -> ((JsonObject) m).getString("kind").equals(kind))) {
        return messages;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + kind + " reached the mailbox of " + user);
  }

  @Test
  @DisplayName("answers unpaid wages with the article, hands off to a labour-law advisor whose reply, closing and rating request reach the resident")
  void wagesJourney() throws Exception {
    String user = "web-wages";
    JsonObject answer = chat(user, "老板拖欠我三个月工资不给，怎么办？");
    assertEquals("labor", answer.getString("category"));
    assertFalse(answer.getBoolean("urgent"));
    JsonObject article = answer.getJsonArray("citations").stream().map(JsonObject.class::cast)
        .filter(c -> "劳动合同法".equals(c.getString("law")) && Integer.valueOf(30).equals(c.getInteger("article"))).findFirst()
        .orElseThrow(() -> new AssertionError("《劳动合同法》第三十条 is not cited: " + answer.encodePrettily()));
    assertEquals(LAWS, article.getBoolean("verified"), "verified exactly when the law corpus is loaded");
    assertTrue(answer.getString("reply").contains("依据：《劳动合同法》第三十条"), answer.getString("reply"));
    assertTrue(answer.getString("reply").getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 2000);
    assertNull(answer.getValue("case"));

    JsonObject handoff = chat(user, "我要找律师");
    JsonObject c = handoff.getJsonObject("case");
    assertNotNull(c, handoff.encodePrettily());
    assertEquals("assigned", c.getString("status"));
    assertTrue(c.getString("id").matches("XF-20261124-\\d{4}"), c.getString("id"));
    CaseView view = app.handoff().find(c.getString("id")).await(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals(Category.LABOR, view.category());
    Advisor advisor = app.handoff().advisors().await(10, TimeUnit.SECONDS).stream().filter(a -> a.id().equals(view.advisorId())).findFirst().orElseThrow();
    assertTrue(advisor.specialties().contains(Category.LABOR), advisor.toString());
    assertTrue(app.handoff().timeline(view.id()).await(10, TimeUnit.SECONDS).stream()
        .anyMatch(e -> e.kind().equals("resident_message") && e.text().contains("拖欠我三个月工资")), "the conversation so far goes with the case");

    JsonObject more = chat(user, "公司在科创园，老板姓王");
    assertEquals(c.getString("id"), more.getJsonObject("case").getString("id"), "while the case is open, messages go to it");

    app.handoff().advisorReply(view.id(), advisor.id(), "您好，请带上劳动合同和工资流水，明天上午到公共法律服务工作站。").await(10, TimeUnit.SECONDS);
    JsonArray messages = mailbox(user, "advisor_reply");
    assertTrue(messages.getJsonObject(0).getString("text").contains("请带上劳动合同"));
    assertTrue(messages.getJsonObject(0).getString("text").contains(advisor.name()));

    app.handoff().close(view.id(), advisor.id(), Outcome.MEDIATION, "调解成功，公司分两期支付").await(10, TimeUnit.SECONDS);
    JsonArray afterClose = mailbox(user, "rating_request");
    assertTrue(afterClose.stream().map(JsonObject.class::cast).anyMatch(m -> m.getString("text").contains("非常满意")));

    JsonObject rated = chat(user, "评价2");
    assertTrue(rated.getString("reply").contains("回访"), rated.getString("reply"));
    assertEquals(2, app.handoff().find(view.id()).await(10, TimeUnit.SECONDS).orElseThrow().rating());
    assertTrue(app.handoff().openFollowUps().await(10, TimeUnit.SECONDS).stream().anyMatch(f -> f.getString("case").equals(view.id())));
    assertTrue(chat(user, "查询进度").getString("reply").contains("不满意"));
  }

  @Test
  @DisplayName("meets an urgent message with safety guidance and an urgent case at once")
  void urgent() throws Exception {
    JsonObject r = chat("web-urgent", "我老公喝醉了又在打我，孩子吓得一直哭，我该怎么办");
    assertTrue(r.getBoolean("urgent"));
    assertTrue(r.getString("reply").contains("110"), r.getString("reply"));
    JsonObject c = r.getJsonObject("case");
    assertNotNull(c);
    assertTrue(app.handoff().find(c.getString("id")).await(10, TimeUnit.SECONDS).orElseThrow().urgent());
  }

  @Test
  @DisplayName("offers choices when unsure, picks one by its number, and pages long answers")
  void suggestionsAndPaging() throws Exception {
    String user = "web-pick";
    JsonObject r = chat(user, "怎么申请");
    if (!r.getJsonArray("suggestions").isEmpty()) {
      JsonObject first = r.getJsonArray("suggestions").getJsonObject(0);
      JsonObject picked = chat(user, "1");
      assertTrue(picked.getString("reply").contains(first.getString("title").replaceAll("^《[^》]+》", "")) || picked.getJsonArray("citations").stream()
          .map(JsonObject.class::cast).anyMatch(x -> first.getString("id").equals(x.getString("id"))), picked.encodePrettily());
    }
    JsonObject help = chat(user, "帮助");
    assertTrue(help.getString("reply").contains("转人工"));
    JsonObject cancel = chat(user, "取消");
    assertTrue(cancel.getString("reply").contains("取消"));
  }

  @Test
  @DisplayName("asks what the matter is when the resident wants a person before saying anything")
  void handoffFirst() throws Exception {
    String user = "web-first";
    JsonObject ask = chat(user, "转人工");
    assertNull(ask.getValue("case"));
    assertTrue(ask.getString("reply").contains("说说"));
    JsonObject opened = chat(user, "邻居把墙砌到我家宅基地上了，吵了好几次");
    assertNotNull(opened.getJsonObject("case"), opened.encodePrettily());
    assertEquals("land_housing", opened.getString("category"));
    JsonObject withdrawn = chat(user, "撤回事项");
    assertEquals("closed", withdrawn.getJsonObject("case").getString("status"), withdrawn.encodePrettily());
    assertEquals(xiaofa.handoff.Outcome.WITHDRAWN, app.handoff().find(opened.getJsonObject("case").getString("id")).await(10, TimeUnit.SECONDS).orElseThrow().outcome());
  }

  @Test
  @DisplayName("classifies without opening cases or remembering anything")
  void classify() throws Exception {
    long before = xiaofa.platform.Database.execute(app.db().pool(), "SELECT COUNT(*) AS n FROM turns WHERE text LIKE '%打我%' OR text LIKE '%不发工资%'").await(10, TimeUnit.SECONDS).iterator().next().getLong("n");
    JsonObject r = client.get("/api/classify").addQueryParam("q", "我老公打我").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertTrue(r.getBoolean("urgent"));
    assertNotNull(r.getString("category"));
    JsonObject wages = client.get("/api/classify").addQueryParam("q", "工地老板不发工资").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertEquals("labor", wages.getString("category"));
    assertTrue(wages.getDouble("confidence") > 0 && wages.getDouble("confidence") <= 1);
    long after = xiaofa.platform.Database.execute(app.db().pool(), "SELECT COUNT(*) AS n FROM turns WHERE text LIKE '%打我%' OR text LIKE '%不发工资%'").await(10, TimeUnit.SECONDS).iterator().next().getLong("n");
    assertEquals(before, after);
  }

  @Test
  @DisplayName("refuses bad input with a Chinese message and loses nothing")
  void badInput() throws Exception {
    HttpResponse<Buffer> noText = client.post("/api/chat").sendJsonObject(new JsonObject().put("user", "web-x")).await(10, TimeUnit.SECONDS);
    assertEquals(400, noText.statusCode());
    assertEquals("text_missing", noText.bodyAsJsonObject().getString("error"));
    assertTrue(noText.bodyAsJsonObject().getString("message").contains("请输入"));
    HttpResponse<Buffer> badUser = client.post("/api/chat").sendJsonObject(new JsonObject().put("user", "<script>").put("text", "你好")).await(10, TimeUnit.SECONDS);
    assertEquals("user_invalid", badUser.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> notJson = client.post("/api/chat").sendBuffer(Buffer.buffer("user=x&text=y")).await(10, TimeUnit.SECONDS);
    assertEquals("body_invalid", notJson.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> big = client.post("/api/chat").sendBuffer(Buffer.buffer("{\"user\":\"web-x\",\"text\":\"" + "欠".repeat(5000) + "\"}")).await(10, TimeUnit.SECONDS);
    assertEquals(413, big.statusCode());
    HttpResponse<Buffer> tooLong = client.post("/api/chat").sendJsonObject(new JsonObject().put("user", "web-x").put("text", "欠".repeat(1001))).await(10, TimeUnit.SECONDS);
    assertEquals("text_too_long", tooLong.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> area = client.post("/api/chat").sendJsonObject(new JsonObject().put("user", "web-x").put("text", "你好").put("area", "NOPE")).await(10, TimeUnit.SECONDS);
    assertEquals("area_unknown", area.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> after = client.get("/api/chat/messages?user=web-x&after=abc").send().await(10, TimeUnit.SECONDS);
    assertEquals("after_invalid", after.bodyAsJsonObject().getString("error"));
    assertEquals(200, client.get("/api/areas").send().await(10, TimeUnit.SECONDS).statusCode());
    chat("web-metrics", "你好");
    String metrics = client.get("/metrics").send().await(10, TimeUnit.SECONDS).bodyAsString();
    assertTrue(metrics.contains("xiaofa_turns_total{"), "turns are counted for Prometheus");
    assertTrue(metrics.contains("jvm_memory_used_bytes"));
    assertTrue(client.get("/").send().await(10, TimeUnit.SECONDS).bodyAsString().contains("小法"), "the simulator page is served at /");
  }
}
