package xiaofa.console.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import xiaofa.Main;
import xiaofa.console.ConsoleUser;
import xiaofa.platform.AppConfig;
import xiaofa.platform.ConfigLoader;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;
import xiaofa.platform.SqlTime;
import xiaofa.platform.TestDatabases;

/**
 * The administration's SQL on H2 and on PostgreSQL: the knowledge edits (row lock, batch insert, cascading delete of
 * previews), the dashboard's aggregates with the zone's days (a turn at 00:01 in Pingjiang belongs to that day, not to
 * the UTC day before), the unanswered questions and the audit filters with their NULL parameters.
 */
@DisplayName("Administration storage")
class AdminStorageTest {
  static final Instant NOW = Instant.parse("2026-11-24T02:00:00Z"); // Tuesday 10:00 in Pingjiang
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("imports, entries, dashboard, unanswered questions and audit filters work on")
  void onDatabase(String kind) throws Exception {
    AppConfig.Db db = TestDatabases.fresh(kind);
    Path knowledge = tmp.resolve("knowledge");
    Files.createDirectories(knowledge.resolve("publicity"));
    Files.writeString(knowledge.resolve("publicity/wage.md"), """
        ---
        id: pf-labor-001
        title: 老板拖欠工资怎么办
        questions: [干完活老板不给钱]
        category: labor
        ---
        先找用人单位协商，再向劳动保障监察投诉或申请劳动仲裁。
        """);
    // the configuration as a deployment gives it (keyword search only: no model to load)
    AppConfig config = ConfigLoader.load(java.util.Map.of(
        "XIAOFA_HTTP_HOST", "127.0.0.1", "XIAOFA_HTTP_PORT", "0", "XIAOFA_HTTP_INSTANCES", "1",
        "XIAOFA_DATA_DIR", tmp.resolve("data").toString(), "XIAOFA_KNOWLEDGE_DIR", knowledge.toString(), "XIAOFA_KNOWLEDGE_POLL_SECONDS", "0",
        "XIAOFA_SEARCH_VECTORS", "false",
        "XIAOFA_DB_URL", db.url().orElseThrow(), "XIAOFA_DB_USER", db.user(), "XIAOFA_DB_PASSWORD", db.password()));
    Vertx vertx = Vertx.vertx();
    MutableClock clock = new MutableClock(NOW);
    Main.App app = Main.start(vertx, config, clock).await(60, TimeUnit.SECONDS);
    try {
      app.ready().await(60, TimeUnit.SECONDS);
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"));
      String token = app.consoleAuth().issue(new ConsoleUser(1, "admin", "管理员", ConsoleUser.Role.ADMIN, null));

      // the power list: preview, import, and the list is live
      String csv = AdminDeskTest.csv(List.of(AdminDeskTest.row("XK-101", "建筑工程施工许可证核发", "行政许可", "5个工作日", "窗口办理"),
          AdminDeskTest.row("XK-102", "食品经营许可", "行政许可", "10个工作日", "网上办理")));
      JsonObject preview = client.post("/console/api/admin/knowledge/power-list/preview").bearerTokenAuthentication(token)
          .sendMultipartForm(MultipartForm.create().binaryFileUpload("file", "list.csv", Buffer.buffer(csv.getBytes(StandardCharsets.UTF_8)), "text/csv"))
          .await(30, TimeUnit.SECONDS).bodyAsJsonObject();
      assertTrue(preview.getBoolean("importable"), preview.encodePrettily());
      JsonObject imported = client.post("/console/api/admin/knowledge/power-list/import").bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("previewId", preview.getString("previewId"))).await(60, TimeUnit.SECONDS).bodyAsJsonObject();
      assertEquals(2, imported.getJsonObject("stats").getInteger("power"), imported.encodePrettily());
      assertEquals(200, client.get("/api/knowledge/power-XK-102").send().await(10, TimeUnit.SECONDS).statusCode());
      // an entry, then its deletion
      JsonObject entry = client.post("/console/api/admin/knowledge/entries").bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("question", "居住证怎么办").put("title", "居住证怎么办").put("body", "到派出所申领。").put("category", "administrative"))
          .await(60, TimeUnit.SECONDS).bodyAsJsonObject();
      assertEquals("pf-admin-0001", entry.getString("id"), entry.encodePrettily());
      assertEquals(200, client.get("/api/knowledge/pf-admin-0001").send().await(10, TimeUnit.SECONDS).statusCode());
      assertEquals(200, client.delete("/console/api/admin/knowledge/entries/pf-admin-0001").bearerTokenAuthentication(token).send().await(60, TimeUnit.SECONDS).statusCode());
      assertEquals(404, client.get("/api/knowledge/pf-admin-0001").send().await(10, TimeUnit.SECONDS).statusCode());
      // a preview older than its time to live is forgotten, rows and all, when the next one is made
      String abandoned = client.post("/console/api/admin/knowledge/power-list/preview").bearerTokenAuthentication(token)
          .sendMultipartForm(MultipartForm.create().binaryFileUpload("file", "list.csv", Buffer.buffer(csv.getBytes(StandardCharsets.UTF_8)), "text/csv"))
          .await(30, TimeUnit.SECONDS).bodyAsJsonObject().getString("previewId");
      assertEquals(4, count(app, "SELECT COUNT(*) AS n FROM power_list_rows"), "the live list's rows and the preview's");
      clock.set(NOW.plusSeconds(2 * 3600));
      HttpResponse<Buffer> expired = client.post("/console/api/admin/knowledge/power-list/import").bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("previewId", abandoned)).await(30, TimeUnit.SECONDS);
      assertEquals(410, expired.statusCode(), expired.bodyAsString());
      client.post("/console/api/admin/knowledge/power-list/preview").bearerTokenAuthentication(token)
          .sendMultipartForm(MultipartForm.create().binaryFileUpload("file", "list.csv", Buffer.buffer(csv.getBytes(StandardCharsets.UTF_8)), "text/csv"))
          .await(30, TimeUnit.SECONDS);
      clock.set(NOW);
      assertEquals(0, count(app, "SELECT COUNT(*) AS n FROM power_list_uploads WHERE preview_id = '" + abandoned + "'"));
      assertEquals(4, count(app, "SELECT COUNT(*) AS n FROM power_list_rows"), "the live list's rows and the new preview's, not the expired one's");

      // turns either side of midnight in Pingjiang (16:00 UTC)
      turn(app, "2026-11-23T15:59:00Z", "离婚财产怎么分", "answered", 0.9, 0.8);
      turn(app, "2026-11-23T16:01:00Z", "宅基地纠纷", "no_answer", 0.3, 0.2);
      turn(app, "2026-11-24T01:00:00Z", "宅基地纠纷！", "no_answer", 0.3, 0.25);
      turn(app, "2026-11-24T01:30:00Z", "工资问题", "answered", 0.4, 0.6);
      turn(app, "2026-11-24T01:31:00Z", "1", "answered", 0.4, null);
      caseRow(app, "XF-20261124-0001", "2026-11-23T16:30:00Z", true, 5);
      caseRow(app, "XF-20261124-0002", "2026-11-24T01:30:00Z", false, 2);
      Database.execute(app.db().pool(), "INSERT INTO follow_ups (case_id, rating, status, created_at, due_at) VALUES (?, 2, 'open', ?, ?)",
          Tuple.of("XF-20261124-0002", SqlTime.param(NOW), SqlTime.param(NOW.minusSeconds(60)))).await(10, TimeUnit.SECONDS);

      JsonObject d = client.get("/console/api/admin/dashboard?days=2").bearerTokenAuthentication(token).send().await(30, TimeUnit.SECONDS).bodyAsJsonObject();
      JsonArray days = d.getJsonArray("questionsByDay");
      assertEquals("2026-11-23", days.getJsonObject(0).getString("day"), d.encodePrettily());
      assertEquals(1, days.getJsonObject(0).getInteger("count"), days.encodePrettily());
      assertEquals(3, days.getJsonObject(1).getInteger("count"), "the pick of a suggestion is not a question");
      assertEquals(2, days.getJsonObject(1).getInteger("noAnswer"));
      assertEquals(2, d.getInteger("casesOpened"));
      assertEquals(1, d.getInteger("slaBreaches"));
      assertEquals(2, d.getJsonArray("casesByDay").getJsonObject(1).getInteger("opened"), "both cases on the zone's 24th");
      assertEquals(3.5, d.getJsonObject("satisfaction").getDouble("average"));
      assertEquals(1, d.getJsonObject("followUps").getInteger("overdue"));
      assertEquals("XF-20261124-0002", d.getJsonArray("followUpsDue").getJsonObject(0).getString("caseId"));

      JsonObject unanswered = client.get("/console/api/admin/unanswered?days=7").bearerTokenAuthentication(token).send().await(30, TimeUnit.SECONDS).bodyAsJsonObject();
      JsonObject top = unanswered.getJsonArray("questions").getJsonObject(0);
      assertEquals(2, top.getInteger("count"), unanswered.encodePrettily());
      assertEquals("宅基地纠纷！", top.getString("text"), "the latest wording");
      assertEquals(0.25, top.getDouble("bestScore"));
      assertTrue(unanswered.getJsonArray("questions").stream().map(JsonObject.class::cast).anyMatch(q -> q.getString("text").equals("工资问题")),
          "answered with a confidence below 0.5");
      assertTrue(unanswered.getJsonArray("questions").stream().map(JsonObject.class::cast).noneMatch(q -> q.getString("text").equals("1")));

      HttpResponse<Buffer> audit = client.get("/console/api/admin/audit?limit=50").bearerTokenAuthentication(token).send().await(30, TimeUnit.SECONDS);
      List<String> actions = audit.bodyAsJsonObject().getJsonArray("entries").stream().map(JsonObject.class::cast).map(e -> e.getString("action"))
          .filter(a -> a.startsWith("knowledge.")).toList();
      assertEquals(List.of("knowledge.entry_delete", "knowledge.entry_create", "knowledge.import"), actions);
      JsonArray byActor = client.get("/console/api/admin/audit?actor=admin&action=knowledge.*").bearerTokenAuthentication(token).send().await(30, TimeUnit.SECONDS)
          .bodyAsJsonObject().getJsonArray("entries");
      assertEquals(3, byActor.size());
      assertNull(client.get("/console/api/admin/audit?case=XF-20261124-0001").bearerTokenAuthentication(token).send().await(30, TimeUnit.SECONDS)
          .bodyAsJsonObject().getValue("next"));
    } finally {
      app.stop().await(30, TimeUnit.SECONDS);
    }
  }

  static long count(Main.App app, String sql) throws Exception {
    return Database.execute(app.db().pool(), sql).await(10, TimeUnit.SECONDS).iterator().next().getLong("n");
  }

  static void turn(Main.App app, String at, String text, String outcome, double confidence, Double score) throws Exception {
    Database.execute(app.db().pool(), "INSERT INTO turns (created_at, channel, user_ref, text, category, confidence, urgent, outcome, entry_id, score, case_id) "
        + "VALUES (?, 'web', 'web-s', ?, 'land_housing', ?, FALSE, ?, NULL, ?, NULL)",
        Tuple.of(SqlTime.param(Instant.parse(at)), text, confidence, outcome).addValue(score)).await(10, TimeUnit.SECONDS);
  }

  static void caseRow(Main.App app, String id, String at, boolean breached, int rating) throws Exception {
    Instant t = Instant.parse(at);
    Database.execute(app.db().pool(), "INSERT INTO cases (id, channel, user_ref, category, urgent, summary, status, created_at, updated_at, first_response_due, "
        + "sla_breached, rating, rated_at) VALUES (?, 'wechat', 'o-1', 'labor', FALSE, '欠薪', 'closed', ?, ?, ?, ?, ?, ?)",
        Tuple.of(id, SqlTime.param(t), SqlTime.param(t), SqlTime.param(t.plusSeconds(7200)), breached, rating).addValue(SqlTime.param(NOW)))
        .await(10, TimeUnit.SECONDS);
  }
}
