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
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import xiaofa.platform.AppConfig;

/** The HTTP API as other issues and clients use it: shapes, errors, health. */
@ExtendWith(VertxExtension.class)
class SearchApiTest {
  @TempDir static Path tmp;
  static Main.App app;
  static WebClient client;

  @BeforeAll
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  static void start(Vertx vertx) throws Exception {
    Path knowledge = tmp.resolve("knowledge");
    Files.createDirectories(knowledge.resolve("publicity"));
    Files.createDirectories(knowledge.resolve("power-list"));
    Files.writeString(knowledge.resolve("publicity/wage.md"), """
        ---
        id: pf-labor-001
        title: 老板拖欠工资怎么办
        questions: [干完活老板不给钱]
        category: labor
        basis: [《中华人民共和国劳动合同法》第三十条]
        ---
        ## 怎么办
        先找用人单位协商，再向劳动保障监察投诉或申请劳动仲裁。
        """);
    Files.writeString(knowledge.resolve("power-list/list.csv"), String.join(",", xiaofa.knowledge.PowerListParser.COLUMNS) + "\n"
        + "XK-001,建筑工程施工许可证核发,行政许可,《中华人民共和国建筑法》第七条,平江高新区管理委员会,规划建设局,15个工作日,5个工作日,不收费,申请表,网上办理；不见面审批,0730-0000xxxx（示例）,受理责任,违法收费的\n");
    Path laws = tmp.resolve("laws");
    Files.createDirectories(laws);
    Files.writeString(laws.resolve("劳动合同法.md"), """
        # 中华人民共和国劳动合同法
        <!-- INFO END -->
        ## 第四章 劳动合同的履行和变更
        第三十条 用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。
        """);
    app = Main.start(vertx, AppConfig.forTest(tmp.resolve("data"), knowledge, laws), java.time.Clock.systemUTC()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    app.ready().toCompletionStage().toCompletableFuture().get(110, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    app.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> get(String uri) throws Exception {
    return client.get(uri).send().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static String q(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("GET /api/search answers {query, tookMs, hits[id, type, title, snippet, score, law, article]}")
  void searchShape() throws Exception {
    HttpResponse<Buffer> r = get("/api/search?q=" + q("老板拖欠工资怎么办") + "&limit=5");
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
    JsonObject body = r.bodyAsJsonObject();
    assertEquals("老板拖欠工资怎么办", body.getString("query"));
    assertNotNull(body.getLong("tookMs"));
    JsonArray hits = body.getJsonArray("hits");
    assertEquals("pf-labor-001", hits.getJsonObject(0).getString("id"));
    assertEquals("publicity", hits.getJsonObject(0).getString("type"));
    assertFalse(hits.getJsonObject(0).containsKey("law"), "law is absent on non-law hits");
    double previous = 1.0;
    for (int i = 0; i < hits.size(); i++) {
      double score = hits.getJsonObject(i).getDouble("score");
      assertTrue(score >= 0 && score <= previous, "scores in [0,1], best first");
      previous = score;
      assertNotNull(hits.getJsonObject(i).getString("snippet"));
    }
  }

  @Test
  @DisplayName("law hits carry the full law title and the article as an integer; type filters")
  void lawHit() throws Exception {
    JsonObject body = get("/api/search?type=law&q=" + q("用人单位不按时支付劳动报酬")).bodyAsJsonObject();
    JsonArray hits = body.getJsonArray("hits");
    assertEquals(1, hits.size());
    JsonObject h = hits.getJsonObject(0);
    assertEquals("law-劳动合同法-30", h.getString("id"));
    assertEquals("law", h.getString("type"));
    assertEquals("中华人民共和国劳动合同法", h.getString("law"));
    assertEquals(30, h.getInteger("article"));
    assertEquals("《中华人民共和国劳动合同法》第三十条", h.getString("title"));

    JsonArray power = get("/api/search?type=power&q=" + q("施工许可证去哪办")).bodyAsJsonObject().getJsonArray("hits");
    assertEquals("power-XK-001", power.getJsonObject(0).getString("id"));
    assertTrue(power.stream().allMatch(o -> ((JsonObject) o).getString("type").equals("power")));
  }

  @Test
  @DisplayName("GET /api/knowledge/{id} returns the whole entry and /api/knowledge/stats the counts by type")
  void knowledge() throws Exception {
    JsonObject e = get("/api/knowledge/power-XK-001").bodyAsJsonObject();
    assertEquals("建筑工程施工许可证核发", e.getString("title"));
    assertEquals("power", e.getString("type"));
    assertEquals("网上办理；不见面审批", e.getJsonObject("fields").getString("办理渠道"));
    JsonObject law = get("/api/knowledge/" + q("law-劳动合同法-30")).bodyAsJsonObject();
    assertEquals(30, law.getInteger("article"));
    assertEquals("第四章 劳动合同的履行和变更", law.getString("chapter"));
    assertEquals(new JsonObject().put("power", 1).put("disclosure", 0).put("publicity", 1).put("law", 1), get("/api/knowledge/stats").bodyAsJsonObject());
    HttpResponse<Buffer> missing = get("/api/knowledge/nope");
    assertEquals(404, missing.statusCode());
    assertEquals("entry_not_found", missing.bodyAsJsonObject().getString("error"));
    assertTrue(missing.bodyAsJsonObject().getString("message").contains("nope"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/api/search,query_missing",
      "/api/search?q=%20%20,query_missing",
      "/api/search?q=a&type=video,type_invalid",
      "/api/search?q=a&limit=0,limit_invalid",
      "/api/search?q=a&limit=51,limit_invalid",
      "/api/search?q=a&limit=ten,limit_invalid",
      "/api/search?q=a&mode=magic,mode_invalid"})
  @DisplayName("bad parameters get a 400 with a code and a Chinese message")
  void badRequests(String uri, String code) throws Exception {
    HttpResponse<Buffer> r = get(uri);
    assertEquals(400, r.statusCode());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(code, body.getString("error"));
    assertTrue(body.getString("message").codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN));
    assertNotNull(body.getString("requestId"));
  }

  @Test
  @DisplayName("a question over 200 characters is refused; exactly 200 is accepted")
  void longQuery() throws Exception {
    assertEquals(400, get("/api/search?q=" + q("工".repeat(201))).statusCode());
    assertEquals("query_too_long", get("/api/search?q=" + q("工".repeat(201))).bodyAsJsonObject().getString("error"));
    assertEquals(200, get("/api/search?q=" + q("工".repeat(200))).statusCode());
    String varied = ("我在一家公司上班三年了，老板一直没有给我交社保，现在公司说经营困难要辞退我，只给一个月工资，"
        + "还拖欠了两个月的加班费没发，我想申请劳动仲裁，请问可以要求哪些赔偿，需要准备什么证据，去哪里申请？").repeat(3).substring(0, 200);
    HttpResponse<Buffer> r = get("/api/search?q=" + q(varied));
    assertEquals(200, r.statusCode(), "a 200-character question with many distinct words and bigrams is searchable");
    assertFalse(r.bodyAsJsonObject().getJsonArray("hits").isEmpty());
  }

  @Test
  @DisplayName("unknown paths are a JSON 404; /health and /ready report UP")
  void health() throws Exception {
    assertEquals(404, get("/api/nothing").statusCode());
    assertEquals("not_found", get("/nothing").bodyAsJsonObject().getString("error"));
    assertEquals("UP", get("/health").bodyAsJsonObject().getString("status"));
    JsonObject ready = get("/ready").bodyAsJsonObject();
    assertEquals("UP", ready.getString("status"));
    assertEquals("UP", ready.getJsonObject("checks").getString("index"));
    assertNull(ready.getString("error"));
  }
}
