package xiaofa.channel.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xiaofa.Main;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.Outcome;
import xiaofa.knowledge.Category;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.HttpVerticle;
import xiaofa.platform.Metrics;
import xiaofa.platform.MutableClock;

/**
 * The field app's API end to end: the service in-process on a random port, requests signed here with an independent
 * HMAC, callbacks received by a Vert.x server in the test that checks their signatures the same way. Three apps: A
 * and B (the isolation between apps), and C, whose callback receiver is down for a while. Every 2xx answer is also
 * checked against the contract.
 */
@DisplayName("The field app (网格通) API")
class GridApiTest {
  static final Vertx vertx = Vertx.vertx();
  // Tuesday 10:00 in Pingjiang: office hours
  static final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
  static final Path SHARED_LAWS = Path.of("../shared/data/laws");
  static final Map<String, String> SECRETS = Map.of(
      "wgt-a", "a-secret-0123456789abcdef01234567",
      "wgt-b", "b-secret-0123456789abcdef01234567",
      "wgt-c", "c-secret-0123456789abcdef01234567");
  static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /** A callback as the test receiver saw it. */
  record Received(String app, String eventId, JsonObject event, boolean signatureOk, boolean fresh, int answered) {}

  static final List<Received> received = new CopyOnWriteArrayList<>();
  /** While positive, app C's receiver answers 503 (and counts down). */
  static final AtomicInteger cDown = new AtomicInteger();
  static HttpServer receiver;
  static Main.App app;
  static AppConfig config;
  static WebClient client;
  static ResponseValidator responses;

  @BeforeAll
  static void start() throws Exception {
    receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String appId = req.path().substring(req.path().lastIndexOf('/') + 1);
      String ts = req.getHeader("X-Xiaofa-Timestamp");
      String expected = hmac(SECRETS.get(appId), "POST", req.uri(), ts, req.getHeader("X-Xiaofa-Nonce"), body.getBytes());
      boolean ok = expected.equals(req.getHeader("X-Xiaofa-Signature")) && appId.equals(req.getHeader("X-Xiaofa-App"));
      boolean fresh = Math.abs(Long.parseLong(ts) - clock.instant().getEpochSecond()) <= 300;
      int status = appId.equals("wgt-c") && cDown.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : ok ? 204 : 401;
      received.add(new Received(appId, req.getHeader("X-Xiaofa-Event-Id"), new JsonObject(body), ok, fresh, status));
      req.response().setStatusCode(status).end();
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    List<AppConfig.Grid.App> apps = new ArrayList<>();
    for (String id : List.of("wgt-a", "wgt-b", "wgt-c")) {
      apps.add(new AppConfig.Grid.App(id, SECRETS.get(id), java.net.URI.create("http://127.0.0.1:" + receiver.actualPort() + "/cb/" + id)));
    }
    AppConfig base = AppConfig.forTest(Path.of("target/test-data/chat-app"), Path.of("knowledge"), Files.isDirectory(SHARED_LAWS) ? SHARED_LAWS : null);
    config = base.withGrid(new AppConfig.Grid(apps));
    app = Main.start(vertx, config, clock).await(60, TimeUnit.SECONDS);
    app.ready().await(300, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"));
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readValue(Files.readAllBytes(Path.of("channels/grid/openapi.yaml")), Map.class);
    responses = ResponseValidator.create(vertx, OpenAPIContract.from(vertx, new JsonObject(spec)).await(30, TimeUnit.SECONDS));
  }

  @AfterAll
  static void stop() throws Exception {
    app.stop().await(30, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- signing, independently of the production code

  static String hmac(String secret, String method, String pathAndQuery, String timestamp, String nonce, byte[] body) {
    try {
      String bodySha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      String signed = method + "\n" + pathAndQuery + "\n" + timestamp + "\n" + nonce + "\n" + bodySha;
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The four headers of a correctly signed request. */
  static MultiMap signed(String appId, HttpMethod method, String uri, String body) {
    String ts = Long.toString(clock.instant().getEpochSecond());
    String nonce = UUID.randomUUID().toString().replace("-", "");
    return MultiMap.caseInsensitiveMultiMap()
        .add("X-Xiaofa-App", appId)
        .add("X-Xiaofa-Timestamp", ts)
        .add("X-Xiaofa-Nonce", nonce)
        .add("X-Xiaofa-Signature", hmac(SECRETS.get(appId), method.name(), uri, ts, nonce, body.getBytes(StandardCharsets.UTF_8)))
        .add("Content-Type", "application/json");
  }

  static HttpResponse<Buffer> raw(HttpMethod method, String uri, String body, MultiMap headers) throws Exception {
    return client.request(method, uri).putHeaders(headers).sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> call(String appId, HttpMethod method, String uri, String body) throws Exception {
    return raw(method, uri, body, signed(appId, method, uri, body));
  }

  /** A successful call, its status checked and its body checked against the contract. */
  static JsonObject ok(String appId, HttpMethod method, String uri, JsonObject body, int status, String operationId) throws Exception {
    HttpResponse<Buffer> r = call(appId, method, uri, body == null ? "" : body.encode());
    assertEquals(status, r.statusCode(), r.bodyAsString());
    responses.validate(ValidatableResponse.create(status, r.body(), r.getHeader("Content-Type")), operationId).await(10, TimeUnit.SECONDS);
    return r.bodyAsJsonObject();
  }

  /** A refused call: its status and problem code. */
  static JsonObject refused(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject problem = r.bodyAsJsonObject();
    assertEquals(code, problem.getString("error"), problem.encode());
    assertTrue(problem.getString("message").codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN), "a Chinese message");
    return problem;
  }

  static JsonObject report(String appId, String worker, String grid, String description, String category) throws Exception {
    JsonObject body = new JsonObject().put("worker", worker).put("grid", grid)
        .put("resident", new JsonObject().put("name", "王某某").put("phone", "13800001234")).put("description", description);
    if (category != null) {
      body.put("category", category);
    }
    return ok(appId, HttpMethod.POST, "/grid/v1/cases", body, 201, "reportCase");
  }

  static List<Received> callbacks(Predicate<Received> which, int atLeast) throws Exception {
    for (int i = 0; i < 100; i++) {
      List<Received> found = received.stream().filter(which).toList();
      if (found.size() >= atLeast) {
        return found;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("fewer than " + atLeast + " callbacks arrived: " + received);
  }

  static Predicate<Received> about(String caseId, String type) {
    return r -> r.event().getJsonObject("case").getString("id").equals(caseId) && r.event().getString("type").equals(type);
  }

  // ---------------------------------------------------------------- the endpoints

  @Test
  @DisplayName("serves its contract, the very file in channels/grid, without a signature")
  void contract() throws Exception {
    HttpResponse<Buffer> r = client.get("/grid/v1/openapi.yaml").send().await(10, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("application/yaml"));
    assertArrayEquals(Files.readAllBytes(Path.of("channels/grid/openapi.yaml")), r.body().getBytes());
  }

  @Test
  @DisplayName("answers a worker's question like the dialog does, with citations, the power-list item and the next step, and opens no case")
  void ask() throws Exception {
    JsonObject wages = ok("wgt-a", HttpMethod.POST, "/grid/v1/ask",
        new JsonObject().put("worker", "w-ask").put("grid", "PJGX-C01-G01").put("text", "老板拖欠我三个月工资不给，怎么办？"), 200, "ask");
    assertEquals("labor", wages.getString("category"));
    assertTrue(wages.getString("answer").contains("依据"), wages.getString("answer"));
    assertTrue(wages.getJsonArray("citations").stream().map(JsonObject.class::cast).anyMatch(c -> "劳动合同法".equals(c.getString("law"))), wages.encodePrettily());
    assertNull(wages.getValue("service"));

    JsonObject permit = ok("wgt-a", HttpMethod.POST, "/grid/v1/ask",
        new JsonObject().put("worker", "w-ask").put("grid", "PJGX-C01-G01").put("text", "办理建设工程施工许可证需要什么材料"), 200, "ask");
    JsonObject service = permit.getJsonObject("service");
    assertNotNull(service, permit.encodePrettily());
    assertTrue(service.getJsonObject("fields").getString("申请材料").contains("施工"), service.encode());
    assertTrue(List.of("none", "more").contains(permit.getString("next")));

    JsonObject urgent = ok("wgt-a", HttpMethod.POST, "/grid/v1/ask",
        new JsonObject().put("worker", "w-ask").put("grid", "PJGX-C01-G01").put("resident", "r-42").put("text", "她老公喝醉了正在打她，孩子一直在哭"), 200, "ask");
    assertTrue(urgent.getBoolean("urgent"));
    assertEquals("report", urgent.getString("next"));
    assertTrue(urgent.getString("answer").contains("110"), urgent.getString("answer"));
    long cases = Database.execute(app.db().pool(), "SELECT COUNT(*) AS n FROM cases WHERE user_ref LIKE 'wgt-a/w-ask%'").await(10, TimeUnit.SECONDS)
        .iterator().next().getLong("n");
    assertEquals(0, cases, "asking never opens a case: the worker reports it with the resident's contact");
  }

  @Test
  @DisplayName("routes a case reported from grid PJGX-C01-G01 to an advisor on duty who covers 凤栖社区 and the matter")
  void report() throws Exception {
    Instant now = clock.instant();
    JsonObject c = report("wgt-a", "w-route", "PJGX-C01-G01", "居民在电子厂上班，老板拖欠三个月工资，居民另一个电话13912345678。", "labor");
    assertTrue(c.getString("id").matches("XF-20261124-\\d{4}"), c.getString("id"));
    assertEquals("assigned", c.getString("status"));
    assertEquals("已分派", c.getString("statusLabel"));
    assertEquals("凤栖社区", c.getString("community"));
    assertEquals(now.plus(Duration.ofHours(2)).toString(), c.getString("firstResponseDue"));
    assertNotNull(c.getJsonObject("advisor").getString("roleLabel"));
    assertEquals("138****1234", c.getJsonObject("resident").getString("phone"));
    assertTrue(c.getString("summary").contains("139****5678") && !c.getString("summary").contains("13912345678"), c.getString("summary"));

    CaseView view = app.handoff().find(c.getString("id")).await(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals("grid", view.channel());
    assertEquals("wgt-a/w-route", view.userRef());
    Advisor advisor = app.handoff().advisors().await(10, TimeUnit.SECONDS).stream().filter(a -> a.id().equals(view.advisorId())).findFirst().orElseThrow();
    assertTrue(advisor.covers("凤栖社区") && advisor.specialties().contains(Category.LABOR) && !advisor.fallback(), advisor.toString());

    JsonObject second = report("wgt-a", "w-route", "PJGX-C01-G01", "邻居把墙砌到居民家宅基地上了，吵了好几次", null);
    assertFalse(second.getString("id").equals(c.getString("id")), "each report is its own case");
    assertEquals("land_housing", second.getString("category"), "the category comes from the description when not given");
    JsonObject urgent = report("wgt-a", "w-route", "PJGX-C02-G01", "居民说她老公现在正拿着刀威胁她", "marriage_family");
    assertTrue(urgent.getBoolean("urgent"), "the description reads as urgent");
    assertEquals(clock.instant().plus(Duration.ofMinutes(15)).toString(), urgent.getString("firstResponseDue"));
  }

  @Test
  @DisplayName("lists an app's cases by grid, worker and status, and shows one with its timeline, phone numbers masked")
  void listAndDetail() throws Exception {
    String first = report("wgt-a", "w-list", "PJGX-C03-G01", "居民网购的电饭煲坏了，商家不退货。", "consumer").getString("id");
    String second = report("wgt-a", "w-list", "PJGX-C03-G01", "居民借给同村人两万元，到期不还，对方电话15900001111。", "debt").getString("id");
    JsonObject page = ok("wgt-a", HttpMethod.GET, "/grid/v1/cases?grid=PJGX-C03-G01&worker=w-list&status=open&page=1", null, 200, "listCases");
    assertEquals(2, page.getLong("total"));
    assertEquals(20, page.getInteger("pageSize"));
    assertEquals(List.of(second, first), page.getJsonArray("cases").stream().map(o -> ((JsonObject) o).getString("id")).toList(), "newest first");
    assertFalse(page.encode().contains("13800001234") || page.encode().contains("15900001111"), page.encode());
    assertEquals(0, ok("wgt-a", HttpMethod.GET, "/grid/v1/cases?grid=PJGX-C03-G01&worker=w-list&status=closed", null, 200, "listCases").getLong("total"));
    assertTrue(ok("wgt-a", HttpMethod.GET, "/grid/v1/cases?page=2", null, 200, "listCases").getJsonArray("cases") != null);

    JsonObject detail = ok("wgt-a", HttpMethod.GET, "/grid/v1/cases/" + second, null, 200, "getCase");
    assertEquals(second, detail.getString("id"));
    List<String> kinds = detail.getJsonArray("timeline").stream().map(o -> ((JsonObject) o).getString("kind")).toList();
    assertEquals(List.of("created", "assigned"), kinds);
    assertTrue(detail.getJsonArray("timeline").getJsonObject(0).getString("text").contains("159****1111"));
    assertFalse(detail.encode().contains("15900001111") || detail.encode().contains("13800001234"), detail.encode());

    JsonObject unknown = refused(call("wgt-a", HttpMethod.GET, "/grid/v1/cases/XF-20200101-0001", ""), 404, "case_not_found");
    assertTrue(unknown.getString("message").contains("XF-20200101-0001"));
    refused(call("wgt-a", HttpMethod.GET, "/grid/v1/cases/not-a-case", ""), 400, "parameter_invalid");
    refused(call("wgt-a", HttpMethod.GET, "/grid/v1/cases?status=finished", ""), 400, "parameter_invalid");
    JsonObject badPage = refused(call("wgt-a", HttpMethod.GET, "/grid/v1/cases?page=0", ""), 400, "parameter_invalid");
    assertTrue(badPage.getString("message").contains("page"), badPage.getString("message"));
  }

  @Test
  @DisplayName("adds the worker's information to the case, and takes one rating once the case is closed")
  void messagesAndRating() throws Exception {
    JsonObject c = report("wgt-a", "w-msg", "PJGX-C01-G02", "居民的工资被拖欠两个月。", "labor");
    String id = c.getString("id");
    String uri = "/grid/v1/cases/" + id;
    JsonObject after = ok("wgt-a", HttpMethod.POST, uri + "/messages",
        new JsonObject().put("worker", "w-msg").put("text", "居民补充：公司在锦泓工业园，有考勤记录，身份证430626199001011234。"), 200, "addMessage");
    assertEquals(id, after.getString("id"));
    JsonObject last = ok("wgt-a", HttpMethod.GET, uri, null, 200, "getCase").getJsonArray("timeline").stream()
        .map(JsonObject.class::cast).reduce((a, b) -> b).orElseThrow();
    assertEquals("worker", last.getString("actor"));
    assertTrue(last.getString("text").startsWith("【网格员 w-msg】居民补充") && last.getString("text").contains("430626********1234"), last.encode());
    assertTrue(app.handoff().timeline(id).await(10, TimeUnit.SECONDS).stream().anyMatch(e -> e.text() != null && e.text().contains("430626199001011234")),
        "the advisor's timeline keeps what the worker wrote");

    refused(call("wgt-a", HttpMethod.POST, uri + "/rating", new JsonObject().put("worker", "w-msg").put("score", 5).encode()), 409, "case_open");
    CaseView view = app.handoff().find(id).await(10, TimeUnit.SECONDS).orElseThrow();
    app.handoff().close(id, view.advisorId(), Outcome.ANSWERED, "已电话解答").await(10, TimeUnit.SECONDS);
    refused(call("wgt-a", HttpMethod.POST, uri + "/messages", new JsonObject().put("worker", "w-msg").put("text", "还有一件事").encode()), 409, "case_closed");
    JsonObject rated = ok("wgt-a", HttpMethod.POST, uri + "/rating", new JsonObject().put("worker", "w-msg").put("score", 2), 200, "rateCase");
    assertEquals(2, rated.getInteger("rating"));
    assertEquals("不满意", rated.getString("ratingLabel"));
    assertTrue(rated.getBoolean("followUp"));
    refused(call("wgt-a", HttpMethod.POST, uri + "/rating", new JsonObject().put("worker", "w-msg").put("score", 5).encode()), 409, "case_rated");
    assertEquals("resolved", ok("wgt-a", HttpMethod.GET, uri, null, 200, "getCase").getString("status"));
  }

  @Test
  @DisplayName("shows an app nothing of another app's cases: not found, never forbidden")
  void otherApps() throws Exception {
    String id = report("wgt-a", "w-iso", "PJGX-C01-G01", "居民的电动车被邻居撞坏了。", "tort_injury").getString("id");
    String uri = "/grid/v1/cases/" + id;
    JsonObject missing = refused(call("wgt-b", HttpMethod.GET, "/grid/v1/cases/XF-20200101-0009", ""), 404, "case_not_found");
    JsonObject hidden = refused(call("wgt-b", HttpMethod.GET, uri, ""), 404, "case_not_found");
    assertEquals(missing.getString("message").replace("XF-20200101-0009", id), hidden.getString("message"), "the same answer as for a case that does not exist");
    refused(call("wgt-b", HttpMethod.POST, uri + "/messages", new JsonObject().put("worker", "w-b").put("text", "看看").encode()), 404, "case_not_found");
    refused(call("wgt-b", HttpMethod.POST, uri + "/rating", new JsonObject().put("worker", "w-b").put("score", 1).encode()), 404, "case_not_found");
    JsonObject list = ok("wgt-b", HttpMethod.GET, "/grid/v1/cases", null, 200, "listCases");
    assertFalse(list.encode().contains(id));
    assertEquals(0, app.handoff().timeline(id).await(10, TimeUnit.SECONDS).stream().filter(e -> e.kind().equals("resident_message")).count(),
        "app B's message did not reach the case");
  }

  // ---------------------------------------------------------------- callbacks

  @Test
  @DisplayName("posts the advisor's reply to the app's callback, signed with the app's secret, once, masked")
  void advisorReply() throws Exception {
    String id = report("wgt-a", "w-cb", "PJGX-C01-G01", "居民被公司辞退，没有任何补偿。", "labor").getString("id");
    Received assigned = callbacks(about(id, "case.assigned"), 1).get(0);
    assertTrue(assigned.signatureOk() && assigned.fresh(), assigned.toString());
    CaseView view = app.handoff().find(id).await(10, TimeUnit.SECONDS).orElseThrow();

    app.handoff().advisorReply(id, view.advisorId(), "您好，请居民带上劳动合同和辞退通知，明天上午到工作站找我，或打 13912345678。").await(10, TimeUnit.SECONDS);
    Received reply = callbacks(about(id, "case.advisor_reply"), 1).get(0);
    assertTrue(reply.signatureOk(), "signed with the app's secret over the callback's path");
    assertTrue(reply.fresh());
    assertEquals(reply.event().getString("id"), reply.eventId(), "X-Xiaofa-Event-Id is the event's id, the idempotency key");
    assertEquals("wgt-a", reply.event().getString("app"));
    assertEquals("w-cb", reply.event().getString("worker"));
    assertTrue(reply.event().getString("text").contains("请居民带上劳动合同") && reply.event().getString("text").contains("139****5678"), reply.event().encode());
    assertEquals("in_progress", reply.event().getJsonObject("case").getString("status"));
    assertEquals("138****1234", reply.event().getJsonObject("case").getJsonObject("resident").getString("phone"));

    Thread.sleep(1500);
    assertEquals(1, received.stream().filter(about(id, "case.advisor_reply")).count(), "one callback per event");
    var rows = Database.execute(app.db().pool(), "SELECT kind, recipient, status FROM outbox WHERE case_id = '" + id + "' ORDER BY id").await(10, TimeUnit.SECONDS);
    List<String> outbox = new ArrayList<>();
    rows.forEach(r -> outbox.add(r.getString("kind") + " " + r.getString("recipient") + " " + r.getString("status")));
    assertEquals(List.of("callback wgt-a sent", "advisor_reply wgt-a/w-cb sent", "callback wgt-a sent"), outbox,
        "the hand-off's own message to the worker is acknowledged without sending: the callback carries it");
  }

  @Test
  @DisplayName("delivers every event, in order and once each, to a callback receiver that was down for a while")
  void receiverDown() throws Exception {
    cDown.set(1_000_000);
    String id = report("wgt-c", "w-down", "PJGX-C01-G01", "居民的劳务费被包工头拖欠。", "labor").getString("id");
    CaseView view = app.handoff().find(id).await(10, TimeUnit.SECONDS).orElseThrow();
    app.handoff().advisorReply(id, view.advisorId(), "请准备好欠条和考勤记录。").await(10, TimeUnit.SECONDS);
    app.handoff().close(id, view.advisorId(), Outcome.LEGAL_AID, "已转法律援助中心").await(10, TimeUnit.SECONDS);
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMinutes(1));
      app.outbox().dispatchOnce().await(10, TimeUnit.SECONDS);
    }
    List<Received> whileDown = received.stream().filter(r -> r.app().equals("wgt-c")).toList();
    assertTrue(whileDown.size() >= 3, whileDown.toString());
    assertTrue(whileDown.stream().allMatch(r -> r.answered() == 503 && r.event().getString("type").equals("case.assigned")),
        "while the first event is not accepted, the later ones wait behind it: " + whileDown);
    assertEquals(1, whileDown.stream().map(Received::eventId).distinct().count(), "a retry carries the same event id");

    cDown.set(0);
    List<Received> accepted = List.of();
    for (int i = 0; i < 20 && accepted.size() < 4; i++) {
      clock.advance(Duration.ofMinutes(1));
      app.outbox().dispatchOnce().await(10, TimeUnit.SECONDS);
      accepted = received.stream().filter(r -> r.app().equals("wgt-c") && r.answered() == 204).toList();
    }
    assertEquals(List.of("case.assigned", "case.advisor_reply", "case.closed", "case.rating_requested"),
        accepted.stream().map(r -> r.event().getString("type")).toList());
    assertEquals(4, accepted.stream().map(Received::eventId).distinct().count());
    assertEquals(whileDown.get(0).eventId(), accepted.get(0).eventId());
    assertTrue(accepted.stream().allMatch(r -> r.signatureOk() && r.fresh()));
    assertEquals("法律援助", accepted.get(2).event().getString("outcomeLabel"));
    assertTrue(accepted.get(3).event().getString("text").contains("评价"));
  }

  @Test
  @DisplayName("tells the app when an urgent case got no first response in time and was handed to someone else")
  void slaBreached() throws Exception {
    JsonObject c = ok("wgt-b", HttpMethod.POST, "/grid/v1/cases", new JsonObject().put("worker", "w-sla").put("grid", "PJGX-C04-G01").put("urgent", true)
        .put("resident", new JsonObject().put("name", "李某").put("phone", "0730-1234567")).put("description", "居民的宅基地被邻居强占，双方正在争吵。"), 201, "reportCase");
    assertTrue(c.getBoolean("urgent"));
    callbacks(about(c.getString("id"), "case.assigned"), 1);
    clock.advance(Duration.ofMinutes(16));
    app.handoff().checkSla().await(10, TimeUnit.SECONDS);
    Received breached = callbacks(about(c.getString("id"), "case.sla_breached"), 1).get(0);
    assertTrue(breached.signatureOk() && breached.fresh());
    assertEquals("wgt-b", breached.app());
    assertTrue(breached.event().getString("text").contains("首次响应超时"), breached.event().encode());
    assertEquals("073****4567", breached.event().getJsonObject("case").getJsonObject("resident").getString("phone"));
  }

  // ---------------------------------------------------------------- refusals

  @Test
  @DisplayName("refuses missing headers, an unknown app, a wrong signature, a tampered body or query, an old timestamp and a replayed nonce")
  void authentication() throws Exception {
    String body = new JsonObject().put("worker", "w-auth").put("grid", "PJGX-C01-G01").put("text", "你好").encode();
    MultiMap none = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
    assertTrue(refused(raw(HttpMethod.POST, "/grid/v1/ask", body, none), 401, "headers_missing").getString("message").contains("X-Xiaofa-Signature"));

    MultiMap unknown = signed("wgt-a", HttpMethod.POST, "/grid/v1/ask", body).set("X-Xiaofa-App", "wgt-x");
    refused(raw(HttpMethod.POST, "/grid/v1/ask", body, unknown), 401, "app_unknown");

    MultiMap wrongSecret = signed("wgt-a", HttpMethod.POST, "/grid/v1/ask", body).set("X-Xiaofa-App", "wgt-b");
    refused(raw(HttpMethod.POST, "/grid/v1/ask", body, wrongSecret), 401, "signature_invalid");
    MultiMap flipped = signed("wgt-a", HttpMethod.POST, "/grid/v1/ask", body);
    String sig = flipped.get("X-Xiaofa-Signature");
    flipped.set("X-Xiaofa-Signature", (sig.charAt(0) == '0' ? "1" : "0") + sig.substring(1));
    refused(raw(HttpMethod.POST, "/grid/v1/ask", body, flipped), 401, "signature_invalid");
    MultiMap forBody = signed("wgt-a", HttpMethod.POST, "/grid/v1/ask", body);
    refused(raw(HttpMethod.POST, "/grid/v1/ask", body.replace("你好", "您好"), forBody), 401, "signature_invalid");
    MultiMap forQuery = signed("wgt-a", HttpMethod.GET, "/grid/v1/cases?grid=PJGX-C01-G01", "");
    refused(raw(HttpMethod.GET, "/grid/v1/cases?grid=PJGX-C02-G01", "", forQuery), 401, "signature_invalid");

    for (long skew : new long[] {-301, 301}) {
      String ts = Long.toString(clock.instant().getEpochSecond() + skew);
      String nonce = UUID.randomUUID().toString().replace("-", "");
      MultiMap old = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json").add("X-Xiaofa-App", "wgt-a").add("X-Xiaofa-Timestamp", ts)
          .add("X-Xiaofa-Nonce", nonce).add("X-Xiaofa-Signature", hmac(SECRETS.get("wgt-a"), "POST", "/grid/v1/ask", ts, nonce, body.getBytes(StandardCharsets.UTF_8)));
      refused(raw(HttpMethod.POST, "/grid/v1/ask", body, old), 401, "timestamp_expired");
    }
    String edge = Long.toString(clock.instant().getEpochSecond() - 299);
    MultiMap withinWindow = MultiMap.caseInsensitiveMultiMap().add("X-Xiaofa-App", "wgt-a").add("X-Xiaofa-Timestamp", edge)
        .add("X-Xiaofa-Nonce", "edge-nonce-0123456789").add("X-Xiaofa-Signature", hmac(SECRETS.get("wgt-a"), "GET", "/grid/v1/cases", edge, "edge-nonce-0123456789", new byte[0]));
    assertEquals(200, raw(HttpMethod.GET, "/grid/v1/cases", "", withinWindow).statusCode(), "299 s old is within the window");

    MultiMap once = signed("wgt-a", HttpMethod.GET, "/grid/v1/cases", "");
    assertEquals(200, raw(HttpMethod.GET, "/grid/v1/cases", "", once).statusCode());
    refused(raw(HttpMethod.GET, "/grid/v1/cases", "", once), 401, "nonce_replayed");

    MultiMap shortNonce = signed("wgt-a", HttpMethod.GET, "/grid/v1/cases", "").set("X-Xiaofa-Nonce", "abc");
    refused(raw(HttpMethod.GET, "/grid/v1/cases", "", shortNonce), 401, "headers_invalid");
    assertEquals(EMPTY_SHA256, Signatures.sha256Hex(new byte[0]), "the documented hash of an empty body");
  }

  @Test
  @DisplayName("refuses a body that breaks the contract, naming the field in Chinese, and an oversized body")
  void validation() throws Exception {
    JsonObject good = new JsonObject().put("worker", "w-val").put("grid", "PJGX-C01-G01")
        .put("resident", new JsonObject().put("name", "王某某").put("phone", "13800001234")).put("description", "居民的工资被拖欠。");
    JsonObject noPhone = good.copy();
    noPhone.getJsonObject("resident").remove("phone");
    assertTrue(refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", noPhone.encode()), 400, "body_invalid").getString("message").contains("resident.phone"));
    JsonObject wrongType = good.copy().put("urgent", "yes");
    String typeMessage = refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", wrongType.encode()), 400, "body_invalid").getString("message");
    assertTrue(typeMessage.contains("urgent") && typeMessage.contains("true 或 false"), typeMessage);
    JsonObject badPhone = good.copy();
    badPhone.getJsonObject("resident").put("phone", "12345");
    assertTrue(refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", badPhone.encode()), 400, "body_invalid").getString("message").contains("resident.phone"));
    JsonObject longText = new JsonObject().put("worker", "w-val").put("grid", "PJGX-C01-G01").put("text", "欠".repeat(1001));
    String lengthMessage = refused(call("wgt-a", HttpMethod.POST, "/grid/v1/ask", longText.encode()), 400, "body_invalid").getString("message");
    assertTrue(lengthMessage.contains("text") && lengthMessage.contains("1000"), lengthMessage);
    JsonObject extra = good.copy().put("residentIdNumber", "430626199001011234");
    assertTrue(refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", extra.encode()), 400, "body_invalid").getString("message").contains("residentIdNumber"));
    JsonObject badCategory = good.copy().put("category", "family");
    assertTrue(refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", badCategory.encode()), 400, "body_invalid").getString("message").contains("marriage_family"));
    JsonObject badAttachment = good.copy().put("attachments", new JsonArray().add(new JsonObject().put("url", "file:///etc/passwd")));
    assertTrue(refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", badAttachment.encode()), 400, "body_invalid").getString("message").contains("attachments[0].url"));
    refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", "{\"worker\": "), 400, "body_invalid");
    refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", "[]"), 400, "body_invalid");
    refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", good.copy().put("grid", "PJGX-C99-G99").encode()), 400, "grid_unknown");
    MultiMap textPlain = signed("wgt-a", HttpMethod.POST, "/grid/v1/cases", good.encode()).set("Content-Type", "text/plain");
    refused(raw(HttpMethod.POST, "/grid/v1/cases", good.encode(), textPlain), 415, "content_type_unsupported");

    String huge = good.copy().put("description", "欠".repeat(6000)).encode();
    JsonObject tooLarge = refused(call("wgt-a", HttpMethod.POST, "/grid/v1/cases", huge), 413, "body_too_large");
    assertTrue(tooLarge.getString("message").contains("16 KB"));
    long reported = Database.execute(app.db().pool(), "SELECT COUNT(*) AS n FROM grid_reports WHERE worker = 'w-val'").await(10, TimeUnit.SECONDS)
        .iterator().next().getLong("n");
    assertEquals(0, reported, "nothing refused was stored");
  }

  @Test
  @DisplayName("refuses a nonce replayed to another node sharing the database")
  void replayOnAnotherNode() throws Exception {
    Database secondPool = Database.open(vertx, config.db(), config.dataDir()).await(30, TimeUnit.SECONDS);
    GridChannel node2 = new GridChannel(vertx, config.grid(), app.dialog(), app.handoff(), app.knowledge(), app.outbox(), secondPool.pool(), clock);
    node2.start().await(30, TimeUnit.SECONDS);
    HttpServer server = vertx.createHttpServer()
        .requestHandler(HttpVerticle.router(vertx, List.of(new HttpVerticle.Mount("/grid/v1", node2::router)), List.of(), Metrics.create()))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try {
      MultiMap headers = signed("wgt-a", HttpMethod.GET, "/grid/v1/cases", "");
      assertEquals(200, raw(HttpMethod.GET, "/grid/v1/cases", "", headers).statusCode());
      HttpResponse<Buffer> replay = client.get(server.actualPort(), "127.0.0.1", "/grid/v1/cases").putHeaders(headers).send().await(10, TimeUnit.SECONDS);
      refused(replay, 401, "nonce_replayed");
      MultiMap fresh = signed("wgt-a", HttpMethod.GET, "/grid/v1/cases", "");
      assertEquals(200, client.get(server.actualPort(), "127.0.0.1", "/grid/v1/cases").putHeaders(fresh).send().await(10, TimeUnit.SECONDS).statusCode());
    } finally {
      node2.stop();
      server.close().await(10, TimeUnit.SECONDS);
      secondPool.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("answers 503 in Chinese when no app is configured, and still serves the contract")
  void disabled() throws Exception {
    GridChannel off = new GridChannel(vertx, new AppConfig.Grid(List.of()), app.dialog(), app.handoff(), app.knowledge(), app.outbox(), app.db().pool(), clock);
    off.start().await(30, TimeUnit.SECONDS);
    HttpServer server = vertx.createHttpServer()
        .requestHandler(HttpVerticle.router(vertx, List.of(new HttpVerticle.Mount("/grid/v1", off::router)), List.of(), Metrics.create()))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try {
      HttpResponse<Buffer> r = client.get(server.actualPort(), "127.0.0.1", "/grid/v1/cases").putHeaders(signed("wgt-a", HttpMethod.GET, "/grid/v1/cases", ""))
          .send().await(10, TimeUnit.SECONDS);
      assertTrue(refused(r, 503, "grid_disabled").getString("message").contains("XIAOFA_GRID_APPS"));
      assertEquals(200, client.get(server.actualPort(), "127.0.0.1", "/grid/v1/openapi.yaml").send().await(10, TimeUnit.SECONDS).statusCode());
    } finally {
      server.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("gives the resident's whole phone number only through the advisor-only accessor")
  void residentContact() throws Exception {
    String id = report("wgt-a", "w-pii", "PJGX-C01-G01", "居民的房屋漏水，物业不管。", "land_housing").getString("id");
    GridChannel grid = new GridChannel(vertx, config.grid(), app.dialog(), app.handoff(), app.knowledge(), app.outbox(), app.db().pool(), clock);
    GridChannel.ResidentContact contact = grid.residentContact(id).await(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals("13800001234", contact.phone());
    assertEquals("王某某", contact.name());
    assertTrue(grid.residentContact("XF-20200101-0001").await(10, TimeUnit.SECONDS).isEmpty());
  }
}
