package xiaofa.console.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xiaofa.Main;
import xiaofa.console.Audit;
import xiaofa.console.ConsoleUser;
import xiaofa.handoff.Outcome;
import xiaofa.knowledge.PowerListParser;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;

/**
 * The administrators' console API over real HTTP, on the whole service started in-process with a small knowledge
 * folder (so that each import or new entry rebuilds the index in a moment): the power-list import from a generated
 * spreadsheet with one bad row, "what would xiaofa answer", the unanswered questions turned into an entry, the
 * dashboard, the audit log and the role checks.
 */
@DisplayName("The administrators' console")
public class AdminDeskTest {
  static final Vertx vertx = Vertx.vertx();
  // Tuesday 10:00 in Pingjiang: office hours
  static final Instant START = Instant.parse("2026-11-24T02:00:00Z");
  static final MutableClock clock = new MutableClock(START);
  static final ConsoleUser ADMIN = new ConsoleUser(1, "admin", "管理员", ConsoleUser.Role.ADMIN, null);
  @TempDir static Path tmp;
  static Main.App app;
  static WebClient client;
  static String admin;

  static final String WAGE_CODE = "XK-001";

  @BeforeAll
  static void start() throws Exception {
    Path knowledge = tmp.resolve("knowledge");
    Files.createDirectories(knowledge.resolve("publicity"));
    Files.createDirectories(knowledge.resolve("power-list"));
    Files.copy(Path.of("knowledge/areas.csv"), knowledge.resolve("areas.csv"));
    Files.copy(Path.of("knowledge/advisors.csv"), knowledge.resolve("advisors.csv"));
    Files.writeString(knowledge.resolve("publicity/wage.md"), """
        ---
        id: pf-labor-001
        title: 老板拖欠工资怎么办
        questions: [干完活老板不给钱, 公司拖欠三个月工资]
        category: labor
        basis: [《中华人民共和国劳动合同法》第三十条]
        ---
        ## 怎么办
        先找用人单位协商，再向劳动保障监察投诉或申请劳动仲裁。
        """);
    Files.writeString(knowledge.resolve("publicity/divorce.md"), """
        ---
        id: pf-marriage_family-001
        title: 离婚时夫妻共同财产怎么分
        questions: [离婚财产怎么分割, 离婚房子归谁]
        category: marriage_family
        ---
        ## 怎么办
        先协商；协商不成的，由人民法院根据财产的具体情况判决。
        """);
    Files.writeString(knowledge.resolve("power-list/list.csv"), csv(List.of(
        row("XK-001", "建筑工程施工许可证核发", "行政许可", "5个工作日", "网上办理；不见面审批"),
        row("XK-002", "食品经营许可", "行政许可", "10个工作日", "窗口办理"),
        row("CF-001", "对未取得排污许可证排放污染物的处罚", "行政处罚", "", "窗口办理"))));
    Path laws = tmp.resolve("laws");
    Files.createDirectories(laws);
    Files.writeString(laws.resolve("劳动合同法.md"), """
        # 中华人民共和国劳动合同法
        <!-- INFO END -->
        ## 第四章 劳动合同的履行和变更
        第三十条 用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。
        """);
    app = Main.start(vertx, AppConfig.forTest(tmp.resolve("data"), knowledge, laws), clock).await(60, TimeUnit.SECONDS);
    app.ready().await(120, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"));
    admin = app.consoleAuth().issue(ADMIN);
  }

  @AfterAll
  static void stop() throws Exception {
    app.stop().await(30, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- helpers

  public static Map<String, String> row(String code, String name, String type, String promised, String channels) {
    Map<String, String> f = new java.util.LinkedHashMap<>();
    for (String c : PowerListParser.COLUMNS) {
      f.put(c, "");
    }
    f.put("职权编码", code);
    f.put("职权名称", name);
    f.put("职权类型", type);
    f.put("实施依据", "《中华人民共和国行政许可法》第二十九条");
    f.put("实施主体", "平江高新区管理委员会");
    f.put("承办机构", "政务服务局");
    f.put("法定办理时限", "20个工作日");
    f.put("承诺办理时限", promised);
    f.put("收费标准", "不收费");
    f.put("申请材料", "申请书；营业执照");
    f.put("办理渠道", channels);
    f.put("咨询方式", "0730-0000xxxx（示例）");
    return f;
  }

  static String csv(List<Map<String, String>> rows) {
    StringBuilder sb = new StringBuilder(String.join(",", PowerListParser.COLUMNS)).append('\n');
    for (Map<String, String> r : rows) {
      sb.append(PowerListParser.COLUMNS.stream().map(c -> "\"" + r.get(c).replace("\"", "\"\"") + "\"").collect(Collectors.joining(","))).append('\n');
    }
    return sb.toString();
  }

  /** A workbook as a county office makes it: columns in another order, a numeric cell, rows after the header. */
  public static byte[] xlsx(List<Map<String, String>> rows) throws Exception {
    List<String> columns = new ArrayList<>(PowerListParser.COLUMNS);
    java.util.Collections.reverse(columns);
    columns.add("备注");
    try (XSSFWorkbook wb = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      XSSFSheet sheet = wb.createSheet("权责清单");
      XSSFRow header = sheet.createRow(0);
      for (int i = 0; i < columns.size(); i++) {
        header.createCell(i).setCellValue(columns.get(i));
      }
      for (int r = 0; r < rows.size(); r++) {
        XSSFRow row = sheet.createRow(r + 1);
        for (int i = 0; i < columns.size(); i++) {
          String v = rows.get(r).getOrDefault(columns.get(i), "");
          if (v.matches("\\d+")) {
            row.createCell(i).setCellValue(Integer.parseInt(v)); // a number cell: read as "20", not "20.0"
          } else if (!v.isEmpty()) {
            row.createCell(i).setCellValue(v);
          }
        }
      }
      wb.write(out);
      return out.toByteArray();
    }
  }

  static HttpRequest<Buffer> as(HttpRequest<Buffer> r, String token) {
    return token == null ? r : r.bearerTokenAuthentication(token);
  }

  static HttpResponse<Buffer> get(String uri) throws Exception {
    return as(client.get("/console/api/admin" + uri), admin).send().await(60, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> post(String uri, JsonObject body) throws Exception {
    return as(client.post("/console/api/admin" + uri), admin).sendJsonObject(body).await(120, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> upload(String fileName, byte[] bytes, String mime) throws Exception {
    MultipartForm form = MultipartForm.create().binaryFileUpload("file", fileName, Buffer.buffer(bytes), mime);
    return as(client.post("/console/api/admin/knowledge/power-list/preview"), admin).sendMultipartForm(form).await(60, TimeUnit.SECONDS);
  }

  static JsonObject ok(HttpResponse<Buffer> r) {
    assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.statusCode() + " " + r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
    return r.bodyAsJsonObject();
  }

  static void problem(HttpResponse<Buffer> r, int status, String code, String... words) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject p = r.bodyAsJsonObject();
    assertEquals(code, p.getString("error"), p.encode());
    for (String w : words) {
      assertTrue(p.getString("message").contains(w), p.getString("message"));
    }
  }

  static int status(String uri) throws Exception {
    return client.get(uri).send().await(30, TimeUnit.SECONDS).statusCode();
  }

  static JsonArray search(String q) throws Exception {
    return client.get("/api/search").addQueryParam("q", q).addQueryParam("type", "power").send().await(30, TimeUnit.SECONDS)
        .bodyAsJsonObject().getJsonArray("hits");
  }

  static long count(String sql) throws Exception {
    return Database.execute(app.db().pool(), sql).await(10, TimeUnit.SECONDS).iterator().next().getLong("n");
  }

  static JsonObject chat(String user, String text) throws Exception {
    HttpResponse<Buffer> r = client.post("/api/chat").sendJsonObject(new JsonObject().put("user", user).put("text", text)).await(60, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /**
   * A valid advisor's token. Where the console has accounts (tokens of unknown accounts are refused), the advisor's
   * account is made through {@code POST /admin/users} first; without them, any advisor user will do.
   */
  static String advisorToken() throws Exception {
    JsonObject body = new JsonObject().put("username", "admin-desk-advisor").put("displayName", "周明法").put("role", "advisor").put("advisorId", "adv-001")
        .put("password", "admin-desk-advisor-password");
    HttpResponse<Buffer> r = as(client.post("/console/api/admin/users"), admin).sendJsonObject(body).await(30, TimeUnit.SECONDS);
    long id = r.statusCode() == 201 ? r.bodyAsJsonObject().getJsonObject("user").getLong("id") : 7;
    return app.consoleAuth().issue(new ConsoleUser(id, "admin-desk-advisor", "周明法", ConsoleUser.Role.ADVISOR, "adv-001"));
  }

  // ---------------------------------------------------------------- the power list

  @Test
  @DisplayName("a spreadsheet with one bad row: the preview names its row and column, nothing changes, and the fixed sheet imports")
  void importPowerList() throws Exception {
    Map<String, String> changed = row("XK-001", "建筑工程施工许可证核发", "行政许可", "3个工作日", "网上办理；不见面审批");
    Map<String, String> same = row("XK-002", "食品经营许可", "行政许可", "10个工作日", "窗口办理");
    Map<String, String> added = row("XK-003", "危险化学品经营许可证核发", "行政许可", "15个工作日", "网上办理");
    added.put("法定办理时限", "20");
    Map<String, String> bad = row("XK-004", "烟花爆竹经营许可", "行政审批", "10个工作日", "窗口办理");

    JsonObject preview = ok(upload("平江高新区权责清单.xlsx", xlsx(List.of(changed, same, bad, added)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    assertEquals("xlsx", preview.getString("format"));
    assertEquals(4, preview.getInteger("rows"));
    assertEquals(3, preview.getInteger("valid"));
    assertFalse(preview.getBoolean("importable"));
    JsonArray errors = preview.getJsonArray("errors");
    assertEquals(1, errors.size(), errors.encodePrettily());
    JsonObject error = errors.getJsonObject(0);
    assertEquals(4, error.getInteger("row"), "the header is row 1, the bad row is the sheet's row 4");
    assertEquals("职权类型", error.getString("column"));
    assertEquals("XK-004", error.getString("code"));
    assertTrue(error.getString("message").contains("行政审批"), error.getString("message"));
    assertEquals(List.of("备注"), preview.getJsonArray("ignoredColumns").getList());
    JsonObject sampleAdded = preview.getJsonArray("sample").getJsonObject(3);
    assertEquals(5, sampleAdded.getInteger("row"));
    assertEquals("20", sampleAdded.getJsonObject("fields").getString("法定办理时限"), "a number cell reads as Excel shows it");
    assertFalse(preview.getJsonArray("sample").getJsonObject(2).getBoolean("valid"));
    JsonObject counts = preview.getJsonObject("diff");
    assertEquals(List.of(1, 1, 1, 1), List.of(counts.getInteger("added"), counts.getInteger("removed"), counts.getInteger("changed"), counts.getInteger("unchanged")));

    // nothing changed, and an import of this preview is refused
    problem(post("/knowledge/power-list/import", new JsonObject().put("previewId", preview.getString("previewId"))), 409, "preview_has_errors", "1 行");
    assertEquals(200, status("/api/knowledge/power-CF-001"));
    assertEquals(404, status("/api/knowledge/power-XK-003"));
    assertEquals("5个工作日", client.get("/api/knowledge/power-XK-001").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject()
        .getJsonObject("fields").getString("承诺办理时限"));

    // the fixed sheet
    Map<String, String> fixed = new java.util.LinkedHashMap<>(bad);
    fixed.put("职权类型", "行政许可");
    JsonObject good = ok(upload("平江高新区权责清单.xlsx", xlsx(List.of(changed, same, fixed, added)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    assertTrue(good.getBoolean("importable"), good.encodePrettily());
    JsonObject diff = good.getJsonObject("diff");
    assertEquals(List.of("XK-004", "XK-003"), diff.getJsonArray("addedItems").stream().map(JsonObject.class::cast).map(a -> a.getString("code")).toList());
    assertEquals("CF-001", diff.getJsonArray("removedItems").getJsonObject(0).getString("code"));
    JsonObject changedItem = diff.getJsonArray("changedItems").stream().map(JsonObject.class::cast).filter(c -> c.getString("code").equals("XK-001")).findFirst().orElseThrow();
    assertTrue(changedItem.getJsonArray("columns").contains("承诺办理时限"), changedItem.encode());
    assertEquals(200, status("/api/knowledge/power-CF-001"), "a preview changes nothing");

    JsonObject imported = ok(post("/knowledge/power-list/import", new JsonObject().put("previewId", good.getString("previewId"))));
    assertTrue(imported.getBoolean("changed"));
    assertEquals(4, imported.getJsonObject("stats").getInteger("power"), "XK-001 to XK-004; CF-001 is gone");
    assertEquals(4, imported.getInteger("items"));
    assertEquals("平江高新区权责清单.xlsx", imported.getJsonObject("imported").getString("file"));
    // live at once: the new item is found, the removed one is gone, the changed one changed
    assertEquals("power-XK-003", search("危险化学品经营许可证怎么办").getJsonObject(0).getString("id"));
    assertEquals(404, status("/api/knowledge/power-CF-001"));
    assertEquals("3个工作日", client.get("/api/knowledge/power-XK-001").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject()
        .getJsonObject("fields").getString("承诺办理时限"));
    problem(post("/knowledge/power-list/import", new JsonObject().put("previewId", good.getString("previewId"))), 409, "preview_used");
    problem(post("/knowledge/power-list/import", new JsonObject().put("previewId", "nope")), 404, "preview_not_found");

    JsonObject state = ok(get("/knowledge/power-list"));
    assertEquals("import", state.getString("source"));
    assertEquals("admin", state.getJsonObject("live").getString("importedBy"));
    JsonObject audit = ok(get("/audit?action=knowledge.import&limit=5")).getJsonArray("entries").getJsonObject(0);
    assertEquals("admin", audit.getString("actor"));
    assertEquals("平江高新区权责清单.xlsx", audit.getJsonObject("detail").getString("file"));

    // a preview made against the files' list is stale once another list is live
    JsonObject againstFiles = ok(upload("b.csv", csv(List.of(same)).getBytes(StandardCharsets.UTF_8), "text/csv"));
    assertEquals("csv", againstFiles.getString("format"));
    JsonObject reverted = ok(as(client.delete("/console/api/admin/knowledge/power-list"), admin).send().await(60, TimeUnit.SECONDS));
    assertEquals(3, reverted.getJsonObject("stats").getInteger("power"), "back to the files' list");
    assertEquals(200, status("/api/knowledge/power-CF-001"));
    problem(post("/knowledge/power-list/import", new JsonObject().put("previewId", againstFiles.getString("previewId"))), 409, "preview_stale");
    problem(as(client.delete("/console/api/admin/knowledge/power-list"), admin).send().await(60, TimeUnit.SECONDS), 409, "no_import");
  }

  @Test
  @DisplayName("a file that is not a usable power list gets a 400 or 413 saying what to fix")
  void badUploads() throws Exception {
    problem(upload("a.csv", "职权编码,职权名称\nXK-1,甲\n".getBytes(StandardCharsets.UTF_8), "text/csv"), 400, "columns_missing", "职权类型", "追责情形");
    problem(upload("a.xls", new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, 0, 0, 0, 0}, "application/vnd.ms-excel"), 400, "file_unreadable", ".xlsx");
    problem(upload("a.xlsx", "PK\u0003\u0004garbage".getBytes(StandardCharsets.ISO_8859_1), "application/octet-stream"), 400, "file_unreadable");
    problem(upload("a.csv", (String.join(",", PowerListParser.COLUMNS) + "\n").getBytes(StandardCharsets.UTF_8), "text/csv"), 400, "rows_missing");
    problem(upload("a.csv", new byte[0], "text/csv"), 400, "file_missing");
    problem(as(client.post("/console/api/admin/knowledge/power-list/preview"), admin).sendBuffer(Buffer.buffer(new byte[6 * 1024 * 1024]))
        .await(60, TimeUnit.SECONDS), 413, "file_too_large", "5 MB");
    // a CSV saved by Excel on Chinese Windows (GB18030), sent as the console page sends a picked file: the raw body,
    // the name URL-encoded in X-File-Name
    byte[] gbk = csv(List.of(row("XK-009", "户外广告设施设置审批", "行政许可", "5个工作日", "窗口办理"))).getBytes(Charset.forName("GB18030"));
    JsonObject raw = ok(as(client.post("/console/api/admin/knowledge/power-list/preview"), admin)
        .putHeader("Content-Type", "text/csv").putHeader("X-File-Name", "%E6%B8%85%E5%8D%95.csv").sendBuffer(Buffer.buffer(gbk)).await(60, TimeUnit.SECONDS));
    assertEquals("清单.csv", raw.getString("file"));
    assertTrue(raw.getBoolean("importable"), raw.encodePrettily());
    assertEquals("户外广告设施设置审批", raw.getJsonArray("sample").getJsonObject(0).getJsonObject("fields").getString("职权名称"));
    problem(post("/knowledge/power-list/import", new JsonObject()), 400, "body_invalid", "previewId");
  }

  // ---------------------------------------------------------------- what would xiaofa answer

  @Test
  @DisplayName("the answer test shows the reply and why, with scores and thresholds, and logs no turn and opens no case")
  void answerTest() throws Exception {
    long turns = count("SELECT COUNT(*) AS n FROM turns");
    long cases = count("SELECT COUNT(*) AS n FROM cases");
    JsonObject r = ok(as(client.get("/console/api/admin/answer-test").addQueryParam("q", "老板拖欠我三个月工资怎么办"), admin).send().await(60, TimeUnit.SECONDS));
    assertEquals("answer", r.getString("decision"));
    assertTrue(r.getString("reply").contains("老板拖欠工资怎么办"), r.getString("reply"));
    assertTrue(r.getString("reply").contains("依据：《劳动合同法》第三十条"), r.getString("reply"));
    assertEquals("labor", r.getString("category"));
    assertEquals("劳动争议", r.getString("categoryLabel"));
    assertTrue(r.getDouble("confidence") > 0);
    assertEquals(new JsonObject().put("answer", 0.5).put("suggest", 0.4).put("handoffConfidence", 0.6), r.getJsonObject("thresholds"));
    JsonObject top = r.getJsonArray("hits").getJsonObject(0);
    assertEquals("pf-labor-001", top.getString("id"));
    assertEquals("普法问答", top.getString("typeLabel"));
    assertTrue(top.getDouble("score") >= 0.5);
    assertNotNull(top.getDouble("keyword"), top.encode());
    assertNotNull(top.getDouble("vector"), top.encode());
    assertEquals(top.getDouble("score"), 0.7 * top.getDouble("vector") + 0.3 * top.getDouble("keyword"), 0.002, "the fused score is the weighted halves");
    assertTrue(r.getString("why").contains("≥ 0.5"), r.getString("why"));

    JsonObject urgent = ok(as(client.get("/console/api/admin/answer-test").addQueryParam("q", "我老公喝醉了又在打我"), admin).send().await(60, TimeUnit.SECONDS));
    assertEquals("urgent", urgent.getString("decision"));
    assertTrue(urgent.getBoolean("urgent"));
    assertTrue(urgent.getJsonArray("urgentKinds").stream().map(JsonObject.class::cast).anyMatch(k -> k.getString("kind").equals("DOMESTIC_VIOLENCE")));
    JsonObject command = ok(as(client.get("/console/api/admin/answer-test").addQueryParam("q", "转人工"), admin).send().await(60, TimeUnit.SECONDS));
    assertEquals("command", command.getString("decision"));

    assertEquals(turns, count("SELECT COUNT(*) AS n FROM turns"), "no turn logged");
    assertEquals(cases, count("SELECT COUNT(*) AS n FROM cases"), "no case opened");
    problem(get("/answer-test"), 400, "query_missing");
    problem(as(client.get("/console/api/admin/answer-test").addQueryParam("q", "问".repeat(201)), admin).send().await(10, TimeUnit.SECONDS), 400, "query_too_long");
  }

  // ---------------------------------------------------------------- unanswered questions become entries

  @Test
  @DisplayName("a question xiaofa could not answer is listed, becomes an entry in a click, and is answered from it next time")
  void unansweredToEntry() throws Exception {
    String question = "外地人在高新区办理居住证需要带什么";
    JsonObject before = ok(as(client.get("/console/api/admin/answer-test").addQueryParam("q", question), admin).send().await(60, TimeUnit.SECONDS));
    assertFalse(before.getString("decision").equals("answer"), before.encodePrettily());
    chat("web-resident-1", question);
    chat("web-resident-2", question + "？");

    JsonObject list = ok(get("/unanswered?days=30"));
    JsonObject group = list.getJsonArray("questions").stream().map(JsonObject.class::cast)
        .filter(g -> Insights.key(g.getString("text")).equals(Insights.key(question))).findFirst()
        .orElseThrow(() -> new AssertionError(list.encodePrettily()));
    assertNotNull(group.getString("lastAskedAt"));
    assertEquals(2, group.getInteger("count"));
    assertEquals(List.of("web"), group.getJsonArray("channels").getList());
    assertNull(group.getString("entry"));

    problem(post("/knowledge/entries", new JsonObject().put("question", question).put("title", "居住证").put("body", "正文").put("category", "weather")),
        400, "category_invalid", "labor");
    problem(post("/knowledge/entries", new JsonObject().put("question", question).put("title", "居住证").put("body", "正文").put("category", "administrative")
        .put("basis", new JsonArray().add("居住证条例第九条"))), 400, "basis_invalid", "《法律全称》第N条");
    problem(post("/knowledge/entries", new JsonObject().put("question", question).put("body", "正文").put("category", "administrative")), 400, "body_invalid", "标题");

    JsonObject created = ok(post("/knowledge/entries", new JsonObject()
        .put("question", group.getString("text"))
        .put("title", "外地人怎么办理居住证")
        .put("body", "## 怎么办\n带上居民身份证、居住地住址证明，到居住地派出所或政务服务中心申领居住证。\n\n## 到哪里办\n高新区政务服务中心公安窗口。")
        .put("category", "administrative")
        .put("basis", new JsonArray().add("《居住证暂行条例》第九条"))));
    String id = created.getString("id");
    assertEquals("pf-admin-0001", id);
    assertTrue(created.getBoolean("live"), "the answer comes when the entry is live");

    JsonObject after = ok(as(client.get("/console/api/admin/answer-test").addQueryParam("q", question), admin).send().await(60, TimeUnit.SECONDS));
    assertEquals("answer", after.getString("decision"), after.encodePrettily());
    assertEquals(id, after.getJsonArray("hits").getJsonObject(0).getString("id"));
    assertTrue(after.getString("reply").contains("派出所"), after.getString("reply"));
    assertTrue(after.getJsonArray("citations").stream().map(JsonObject.class::cast).anyMatch(c -> id.equals(c.getString("id"))));
    assertEquals("answered", chat("web-resident-3", question).getJsonArray("citations").isEmpty() ? "none" : "answered");

    JsonObject listed = ok(get("/unanswered?days=30")).getJsonArray("questions").stream().map(JsonObject.class::cast)
        .filter(g -> Insights.key(g.getString("text")).equals(Insights.key(question))).findFirst().orElseThrow();
    assertEquals(id, listed.getString("entry"), "the list says the question now has an entry");
    assertEquals(id, ok(get("/knowledge/entries")).getJsonArray("entries").getJsonObject(0).getString("id"));

    ok(as(client.delete("/console/api/admin/knowledge/entries/" + id), admin).send().await(60, TimeUnit.SECONDS));
    assertEquals(404, status("/api/knowledge/" + id));
    problem(as(client.delete("/console/api/admin/knowledge/entries/" + id), admin).send().await(60, TimeUnit.SECONDS), 404, "entry_not_found");
    List<String> actions = ok(get("/audit?action=knowledge.entry_&limit=10")).getJsonArray("entries").stream().map(JsonObject.class::cast)
        .map(e -> e.getString("action")).toList();
    assertEquals(List.of(), actions, "a LIKE wildcard in the filter is taken literally");
    List<String> entryActions = ok(get("/audit?action=knowledge.&limit=50")).getJsonArray("entries").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("action").startsWith("knowledge.entry")).map(e -> e.getString("action")).toList();
    assertEquals(List.of("knowledge.entry_delete", "knowledge.entry_create"), entryActions);
  }

  // ---------------------------------------------------------------- dashboard

  @Test
  @DisplayName("the dashboard counts questions by day and category, outcomes, cases, SLA breaches, satisfaction and follow-ups")
  void dashboard() throws Exception {
    Instant day1 = Instant.parse("2027-03-01T01:00:00Z"); // Monday 09:00 in Pingjiang
    try {
      clock.set(day1);
      chat("web-dash-1", "老板拖欠我三个月工资怎么办");
      chat("web-dash-2", "离婚财产怎么分割");
      clock.set(day1.plus(Duration.ofDays(1)));
      chat("web-dash-3", "今天天气怎么样");
      JsonObject handoff = chat("web-dash-4", "我要找律师，公司拖欠工资还把我辞退了");
      String caseId = handoff.getJsonObject("case").getString("id");
      var view = app.handoff().find(caseId).await(10, TimeUnit.SECONDS).orElseThrow();
      app.handoff().close(caseId, view.advisorId(), Outcome.MEDIATION, "调解成功").await(10, TimeUnit.SECONDS);
      chat("web-dash-4", "评价2");
      // an unanswered case whose time limit passes
      JsonObject late = chat("web-dash-5", "我要找律师，邻居占了我家的宅基地");
      clock.set(day1.plus(Duration.ofDays(1)).plus(Duration.ofHours(3)));
      app.handoff().checkSla().await(10, TimeUnit.SECONDS);
      admin = app.consoleAuth().issue(ADMIN); // a token of this (moved) time

      JsonObject d = ok(get("/dashboard?days=3"));
      assertEquals("2027-02-28", d.getString("from"));
      assertEquals("2027-03-02", d.getString("to"));
      JsonArray byDay = d.getJsonArray("questionsByDay");
      assertEquals(3, byDay.size(), "every day of the period, zeros included");
      assertEquals(0, byDay.getJsonObject(0).getInteger("count"));
      assertEquals(2, byDay.getJsonObject(1).getInteger("count"), byDay.encodePrettily());
      assertEquals(2, byDay.getJsonObject(1).getInteger("answered"));
      assertEquals(3, byDay.getJsonObject(2).getInteger("count"), byDay.encodePrettily());
      assertEquals(2, byDay.getJsonObject(2).getInteger("handoff"));
      assertEquals(5, d.getInteger("questions"));
      JsonObject outcomes = d.getJsonObject("outcomes");
      assertEquals(2, outcomes.getInteger("answered"));
      assertEquals(2, outcomes.getInteger("handoff"));
      assertEquals(1, outcomes.getInteger("noAnswer") + outcomes.getInteger("suggested"));
      assertTrue(d.getJsonArray("questionsByCategory").stream().map(JsonObject.class::cast)
          .anyMatch(c -> c.getString("category").equals("labor") && c.getInteger("count") >= 2), d.encodePrettily());
      assertEquals(2, d.getInteger("casesOpened"));
      assertEquals(1, d.getInteger("slaBreaches"), d.encodePrettily());
      assertEquals("web", d.getJsonArray("casesByChannel").getJsonObject(0).getString("channel"));
      assertEquals(2, d.getJsonArray("casesByDay").getJsonObject(2).getInteger("opened"));
      JsonObject satisfaction = d.getJsonObject("satisfaction");
      assertEquals(1, satisfaction.getInteger("rated"));
      assertEquals(2.0, satisfaction.getDouble("average"));
      assertEquals(1, satisfaction.getJsonObject("distribution").getInteger("2"));
      assertEquals(0, satisfaction.getJsonObject("distribution").getInteger("5"));
      assertEquals("不满意", satisfaction.getJsonObject("labels").getString("2"));
      assertTrue(d.getJsonObject("followUps").getInteger("open") >= 1);
      assertTrue(d.getJsonArray("followUpsDue").stream().map(JsonObject.class::cast).anyMatch(f -> f.getString("caseId").equals(caseId)));
      assertNotNull(late.getJsonObject("case"));
      problem(get("/dashboard?days=0"), 400, "days_invalid", "1 到 366");
    } finally {
      clock.set(START);
      admin = app.consoleAuth().issue(ADMIN);
    }
  }

  // ---------------------------------------------------------------- audit log and roles

  @Test
  @DisplayName("the audit log lists who viewed and did what, newest first, by case, actor and action, a page at a time")
  void auditLog() throws Exception {
    Audit audit = new Audit(app.db().pool(), clock);
    ConsoleUser advisor = new ConsoleUser(7, "zhou", "周明法", ConsoleUser.Role.ADVISOR, "adv-001");
    audit.record(advisor, "case.view", "XF-20261124-0901", null).await(10, TimeUnit.SECONDS);
    audit.record(advisor, "case.reply", "XF-20261124-0901", new JsonObject().put("chars", 42)).await(10, TimeUnit.SECONDS);
    audit.record(ADMIN, "case.view", "XF-20261124-0901", null).await(10, TimeUnit.SECONDS);

    JsonObject all = ok(get("/audit?case=XF-20261124-0901"));
    List<String> seen = all.getJsonArray("entries").stream().map(JsonObject.class::cast).map(e -> e.getString("actor") + " " + e.getString("action")).toList();
    assertEquals(List.of("admin case.view", "zhou case.reply", "zhou case.view"), seen);
    assertEquals(42, all.getJsonArray("entries").getJsonObject(1).getJsonObject("detail").getInteger("chars"));
    assertEquals(2, ok(get("/audit?case=XF-20261124-0901&actor=zhou")).getJsonArray("entries").size());
    assertEquals(2, ok(get("/audit?case=XF-20261124-0901&action=case.view")).getJsonArray("entries").size());
    assertEquals(3, ok(get("/audit?case=XF-20261124-0901&action=case.")).getJsonArray("entries").size());

    JsonObject page1 = ok(get("/audit?case=XF-20261124-0901&limit=2"));
    assertEquals(2, page1.getJsonArray("entries").size());
    JsonObject page2 = ok(get("/audit?case=XF-20261124-0901&limit=2&before=" + page1.getLong("next")));
    assertEquals("zhou case.view", page2.getJsonArray("entries").getJsonObject(0).getString("actor") + " " + page2.getJsonArray("entries").getJsonObject(0).getString("action"));
    assertNull(page2.getValue("next"));
    problem(get("/audit?action=drop%20table"), 400, "action_invalid");
    problem(get("/audit?limit=1000"), 400, "limit_invalid");
  }

  @Test
  @DisplayName("every administration route is for administrators: 401 without a token, 403 for an advisor")
  void roles() throws Exception {
    String advisor = advisorToken();
    List<String[]> routes = List.of(
        new String[] {"POST", "/knowledge/reload"}, new String[] {"GET", "/knowledge/problems"}, new String[] {"GET", "/knowledge/power-list"},
        new String[] {"POST", "/knowledge/power-list/preview"}, new String[] {"POST", "/knowledge/power-list/import"},
        new String[] {"DELETE", "/knowledge/power-list"}, new String[] {"GET", "/knowledge/entries"}, new String[] {"POST", "/knowledge/entries"},
        new String[] {"DELETE", "/knowledge/entries/pf-admin-0001"}, new String[] {"GET", "/answer-test?q=x"}, new String[] {"GET", "/unanswered"},
        new String[] {"GET", "/dashboard"}, new String[] {"GET", "/audit"});
    for (String[] r : routes) {
      io.vertx.core.http.HttpMethod m = io.vertx.core.http.HttpMethod.valueOf(r[0]);
      HttpResponse<Buffer> none = client.request(m, "/console/api/admin" + r[1]).send().await(10, TimeUnit.SECONDS);
      assertEquals(401, none.statusCode(), r[1]);
      HttpResponse<Buffer> wrong = client.request(m, "/console/api/admin" + r[1]).bearerTokenAuthentication(advisor).send().await(10, TimeUnit.SECONDS);
      assertEquals(403, wrong.statusCode(), r[1]);
      assertEquals("forbidden", wrong.bodyAsJsonObject().getString("error"));
      assertEquals("no-store", wrong.getHeader("Cache-Control"));
    }
  }

  @Test
  @DisplayName("reload answers whether a new generation went live and lists the sources' problems")
  void reloadAndProblems() throws Exception {
    JsonObject r = ok(post("/knowledge/reload", new JsonObject()));
    assertFalse(r.getBoolean("changed"), "nothing changed since the last load");
    assertNotNull(r.getString("contentHash"));
    assertEquals(2, r.getJsonObject("stats").getInteger("publicity"));
    JsonObject p = ok(get("/knowledge/problems"));
    assertEquals(0, p.getInteger("count"), p.encodePrettily());
  }
}
