package xiaofa.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import xiaofa.Main;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.NewCase;
import xiaofa.knowledge.Category;
import xiaofa.outbox.ChannelSender;
import xiaofa.outbox.OutboxMessage;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;
import xiaofa.platform.TestDatabases;

/**
 * The advisors' case desk over real HTTP: the service in-process (on H2, and on PostgreSQL when one is configured),
 * residents chatting through {@code /api/chat}, a field app reporting through {@code /grid/v1} with its callbacks
 * received here, and advisors and administrators with console tokens. Covers the inbox and its scopes, the case page
 * with the bot's conversation and what it used, claim / transfer / note / reply / close with their conflicts and
 * refusals, an undeliverable reply, canned replies, the audit log and the live event stream.
 */
@DisplayName("The advisors' case desk (/console/api)")
class CaseDeskTest {

  @Nested
  @DisplayName("on H2")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnH2 extends Desk {
    OnH2() {
      super("H2");
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnPostgreSQL extends Desk {
    OnPostgreSQL() {
      super("PostgreSQL");
    }
  }

  abstract static class Desk {
    static final Path SHARED_LAWS = Path.of("../shared/data/laws");
    static final boolean LAWS = Files.isDirectory(SHARED_LAWS);
    static final String GRID_APP = "wgt-desk";
    static final String GRID_SECRET = "desk-secret-0123456789abcdef0123";
    /** A test channel whose sender can never deliver (like WeChat outside the 48-hour window). */
    static final String DEAD_CHANNEL = "deadline";
    static final String DEAD_REASON = "居民的账号已注销（测试渠道）";
    /** Labour cases of 樟影湾社区 go to adv-006: the only labour specialist on duty covering it who is not in the fallback pool. */
    static final String ZHANGYING = "PJGX-C03-G01";

    final String kind;
    final Vertx vertx = Vertx.vertx();
    // Tuesday 10:00 in Pingjiang: office hours
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
    final List<JsonObject> callbacks = new CopyOnWriteArrayList<>();
    HttpServer receiver;
    Main.App app;
    WebClient client;
    HttpClient streams;

    Desk(String kind) {
      this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
      AppConfig.Db db = TestDatabases.fresh(kind);
      receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
        callbacks.add(new JsonObject(b));
        req.response().setStatusCode(204).end();
      })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      AppConfig base = AppConfig.forTest(Path.of("target/test-data/chat-app"), Path.of("knowledge"), LAWS ? SHARED_LAWS : null);
      AppConfig.Grid grid = new AppConfig.Grid(List.of(new AppConfig.Grid.App(GRID_APP, GRID_SECRET, URI.create("http://127.0.0.1:" + receiver.actualPort() + "/cb"))));
      AppConfig config = base.withDb(db).withGrid(grid);
      app = Main.start(vertx, config, clock).await(60, TimeUnit.SECONDS);
      app.ready().await(300, TimeUnit.SECONDS);
      app.outbox().register(new ChannelSender() {
        @Override
        public String channel() {
          return DEAD_CHANNEL;
        }

        @Override
        public Future<Delivery> send(OutboxMessage message) {
          return Future.succeededFuture(Delivery.undeliverable(DEAD_REASON));
        }
      });
      client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"));
      streams = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"), new PoolOptions().setHttp1MaxSize(40));
    }

    @AfterAll
    void stop() throws Exception {
      if (streams != null) {
        streams.close().await(10, TimeUnit.SECONDS);
      }
      if (receiver != null) {
        receiver.close().await(10, TimeUnit.SECONDS);
      }
      if (app != null) {
        app.stop().await(30, TimeUnit.SECONDS); // closes vertx too
      } else {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }

    final List<Stream> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeStreams() {
      opened.forEach(Stream::close);
      opened.clear();
    }

    Stream stream(String token, String lastEventId) throws Exception {
      Stream s = Stream.open(streams, token, lastEventId);
      opened.add(s);
      return s;
    }

    Stream tryStream(String token, String lastEventId) throws Exception {
      Stream s = Stream.tryOpen(streams, token, lastEventId);
      if (s != null) {
        opened.add(s);
      }
      return s;
    }

    // ---------------------------------------------------------------- helpers

    final java.util.Map<String, ConsoleUser> accounts = new java.util.concurrent.ConcurrentHashMap<>();

    /** A token of a real account (created on first use): the console checks the account behind every token. */
    String token(String username, ConsoleUser.Role role, String advisorId) {
      ConsoleUser u = accounts.computeIfAbsent(username, n -> {
        try {
          return app.accounts().create(null, n, n + "（测试）", role, advisorId, "test-password-" + n).await(30, TimeUnit.SECONDS).account().user();
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError(e);
        }
      });
      return app.consoleAuth().issue(u);
    }

    String advisor(String advisorId) {
      return token(advisorId, ConsoleUser.Role.ADVISOR, advisorId);
    }

    String admin() {
      return token("admin-1", ConsoleUser.Role.ADMIN, null);
    }

    HttpResponse<Buffer> get(String token, String uri) throws Exception {
      HttpRequest<Buffer> r = client.get("/console/api" + uri);
      if (token != null) {
        r.putHeader("Authorization", "Bearer " + token);
      }
      return r.send().await(30, TimeUnit.SECONDS);
    }

    HttpResponse<Buffer> post(String token, String uri, Object body) throws Exception {
      HttpRequest<Buffer> r = client.post("/console/api" + uri).putHeader("Authorization", "Bearer " + token);
      if (body == null) {
        return r.send().await(30, TimeUnit.SECONDS);
      }
      return r.putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(body instanceof JsonObject j ? j.encode() : body.toString())).await(30, TimeUnit.SECONDS);
    }

    static JsonObject ok(HttpResponse<Buffer> r) {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
      assertEquals("no-store", r.getHeader("Cache-Control"));
      return r.bodyAsJsonObject();
    }

    /** A refusal: its status, code and a message in Chinese. */
    static JsonObject refused(HttpResponse<Buffer> r, int status, String code) {
      assertEquals(status, r.statusCode(), r.bodyAsString());
      JsonObject problem = r.bodyAsJsonObject();
      assertEquals(code, problem.getString("error"), problem.encode());
      assertTrue(problem.getString("message").codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN), problem.encode());
      return problem;
    }

    JsonObject chat(String user, String text, String area) throws Exception {
      JsonObject body = new JsonObject().put("user", user).put("text", text);
      if (area != null) {
        body.put("area", area);
      }
      HttpResponse<Buffer> r = client.post("/api/chat").sendJsonObject(body).await(30, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject();
    }

    /** A resident's labour case in 樟影湾社区 (so adv-006's), opened through the web chat. */
    CaseView labourCase(String user, String text) throws Exception {
      JsonObject r = chat(user, text, ZHANGYING);
      JsonObject c = r.getJsonObject("case");
      assertNotNull(c, r.encodePrettily());
      CaseView view = app.handoff().find(c.getString("id")).await(10, TimeUnit.SECONDS).orElseThrow();
      assertEquals(Category.LABOR, view.category(), view.toString());
      assertEquals("adv-006", view.advisorId(), view.toString());
      return view;
    }

    /** Sets a case back to unassigned, as if nobody had been on duty when it opened. */
    void unassign(String caseId) throws Exception {
      Database.execute(app.db().pool(), "UPDATE cases SET advisor_id = NULL, status = 'new' WHERE id = ?", Tuple.of(caseId)).await(10, TimeUnit.SECONDS);
    }

    static List<String> ids(JsonObject list) {
      return list.getJsonArray("cases").stream().map(o -> ((JsonObject) o).getString("id")).toList();
    }

    static List<JsonObject> objects(JsonArray a) {
      return a.stream().map(JsonObject.class::cast).toList();
    }

    static JsonObject event(JsonObject detail, String kind) {
      return objects(detail.getJsonArray("timeline")).stream().filter(e -> e.getString("kind").equals(kind)).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError("no " + kind + " in " + detail.getJsonArray("timeline").encodePrettily()));
    }

    /** Polls the case page until {@code until} holds. */
    JsonObject detailUntil(String token, String caseId, Predicate<JsonObject> until) throws Exception {
      JsonObject last = null;
      for (int i = 0; i < 100; i++) {
        last = ok(get(token, "/cases/" + caseId));
        if (until.test(last)) {
          return last;
        }
        Thread.sleep(100);
      }
      throw new AssertionError("the case page never got there: " + last.encodePrettily());
    }

    List<Row> audit(String caseId) throws Exception {
      List<Row> out = new ArrayList<>();
      Database.execute(app.db().pool(), "SELECT actor, role, action, detail FROM audit_log WHERE case_id = ? ORDER BY id", Tuple.of(caseId))
          .await(10, TimeUnit.SECONDS).forEach(out::add);
      return out;
    }

    // ---------------------------------------------------------------- the inbox

    @Test
    @DisplayName("an advisor's inbox shows their case and an unassigned one in their specialty and area, not others'; only administrators see all")
    void inbox() throws Exception {
      CaseView mine = labourCase("web-inbox-1", "我要找律师，公司拖欠我两个月工资，我的电话13812345678");
      CaseView free = labourCase("web-inbox-2", "我要找律师，厂里不给我交社保还拖欠工资");
      unassign(free.id());
      JsonObject family = chat("web-inbox-3", "我要找律师，我老公要跟我离婚，孩子抚养权怎么争取", ZHANGYING).getJsonObject("case");
      CaseView other = app.handoff().find(family.getString("id")).await(10, TimeUnit.SECONDS).orElseThrow();
      assertEquals(Category.MARRIAGE_FAMILY, other.category(), other.toString());

      JsonObject mineList = ok(get(advisor("adv-006"), "/cases?scope=mine"));
      assertTrue(ids(mineList).contains(mine.id()), mineList.encodePrettily());
      assertFalse(ids(mineList).contains(free.id()));
      assertFalse(ids(mineList).contains(other.id()));
      JsonObject row = objects(mineList.getJsonArray("cases")).stream().filter(c -> c.getString("id").equals(mine.id())).findFirst().orElseThrow();
      assertEquals("web", row.getString("channel"));
      assertEquals("网页", row.getString("channelLabel"));
      assertEquals(ZHANGYING, row.getString("area"));
      assertEquals("樟影湾社区", row.getString("community"));
      assertEquals("劳动争议", row.getString("categoryLabel"));
      assertEquals("已分派", row.getString("statusLabel"));
      assertEquals("adv-006", row.getJsonObject("advisor").getString("id"));
      assertTrue(row.getBoolean("mine"));
      assertEquals(java.time.Duration.between(clock.instant(), mine.firstResponseDue()).getSeconds(), row.getLong("secondsLeft"), "the clock stands still");
      assertTrue(row.getLong("secondsLeft") > 0);
      assertFalse(row.getBoolean("overdue"));
      String preview = row.getJsonObject("lastMessage").getString("text");
      assertTrue(preview.contains("138****5678") && !preview.contains("13812345678"), preview);
      assertTrue(mineList.getLong("lastEventId") > 0);

      JsonObject available = ok(get(advisor("adv-006"), "/cases?scope=available"));
      assertTrue(ids(available).contains(free.id()), available.encodePrettily());
      assertFalse(ids(available).contains(mine.id()));
      assertTrue(ids(ok(get(advisor("adv-019"), "/cases?scope=available"))).contains(free.id()), "the zone-wide labour lawyer of the fallback pool too");
      assertFalse(ids(ok(get(advisor("adv-001"), "/cases?scope=available"))).contains(free.id()), "adv-001 covers 凤栖社区 and 锦泓社区 only");
      assertFalse(ids(ok(get(advisor(other.advisorId()), "/cases?scope=available"))).contains(free.id()), "not a family advisor's");
      assertFalse(ids(ok(get(advisor("adv-006"), "/cases?scope=mine"))).contains(other.id()));

      refused(get(advisor("adv-006"), "/cases?scope=all"), 403, "forbidden");
      JsonObject all = ok(get(admin(), "/cases?scope=all"));
      assertTrue(ids(all).containsAll(List.of(mine.id(), free.id(), other.id())), all.encodePrettily());
      assertEquals("all", ok(get(admin(), "/cases")).getString("scope"), "an administrator without an advisor profile starts with everything");
      refused(get(admin(), "/cases?scope=mine"), 403, "admin_unlinked");
      refused(get(advisor("adv-006"), "/cases?scope=everything"), 400, "scope_invalid");
      refused(get(advisor("adv-006"), "/cases?status=sleeping"), 400, "status_invalid");
      refused(get(null, "/cases"), 401, "unauthenticated");
      refused(get("not-a-token", "/cases"), 401, "token_invalid");
    }

    // ---------------------------------------------------------------- actions

    @Test
    @DisplayName("claim, transfer, note, reply and close, with conflicts (409) and wrong advisors (403), each in the audit log")
    void caseFlow() throws Exception {
      String resident = "web-flow";
      CaseView c = labourCase(resident, "我要找律师，公司拖欠我两个月工资不发");
      unassign(c.id());
      String adv006 = advisor("adv-006");
      String adv015 = advisor("adv-015");
      String id = c.id();

      refused(get(advisor("adv-001"), "/cases/" + id), 403, "not_your_case");
      refused(post(advisor("adv-001"), "/cases/" + id + "/claim", null), 403, "not_your_case");
      refused(get(adv006, "/cases/XF-20261124-9999"), 404, "case_not_found");

      JsonObject claimed = ok(post(adv006, "/cases/" + id + "/claim", null)).getJsonObject("case");
      assertEquals("adv-006", claimed.getString("advisor"));
      assertEquals("assigned", claimed.getString("status"));
      assertEquals("adv-006", ok(post(adv006, "/cases/" + id + "/claim", null)).getJsonObject("case").getString("advisor"), "claiming again is harmless");
      refused(post(token("admin-7", ConsoleUser.Role.ADMIN, "adv-007"), "/cases/" + id + "/claim", null), 409, "case_taken");
      refused(post(admin(), "/cases/" + id + "/claim", null), 403, "admin_unlinked");
      refused(post(admin(), "/cases/" + id + "/reply", new JsonObject().put("text", "您好")), 403, "admin_unlinked");
      refused(post(advisor("adv-001"), "/cases/" + id + "/reply", new JsonObject().put("text", "我来回答")), 403, "not_your_case");

      refused(post(adv006, "/cases/" + id + "/transfer", new JsonObject()), 400, "transfer_target_invalid");
      refused(post(adv006, "/cases/" + id + "/transfer", new JsonObject().put("advisorId", "adv-015").put("category", "labor")), 400, "transfer_target_invalid");
      refused(post(adv006, "/cases/" + id + "/transfer", new JsonObject().put("category", "astrology")), 400, "category_invalid");
      refused(post(adv006, "/cases/" + id + "/transfer", new JsonObject().put("advisorId", "adv-006")), 409, "already_assigned");
      refused(post(adv006, "/cases/" + id + "/transfer", new JsonObject().put("advisorId", "adv-999")), 404, "advisor_not_found");
      refused(post(adv006, "/cases/" + id + "/transfer", "[1, 2"), 400, "body_invalid");
      JsonObject targets = ok(get(adv006, "/cases/" + id + "/transfer-targets"));
      assertTrue(objects(targets.getJsonArray("advisors")).stream().anyMatch(a -> a.getString("id").equals("adv-015") && a.getBoolean("onDuty")));
      assertEquals(11, targets.getJsonArray("categories").size());
      JsonObject moved = ok(post(adv006, "/cases/" + id + "/transfer", new JsonObject().put("advisorId", "adv-015").put("reason", "居民在锦泓上班，谢调解员熟悉该厂")))
          .getJsonObject("case");
      assertEquals("adv-015", moved.getString("advisor"));
      refused(get(adv006, "/cases/" + id), 403, "not_your_case");

      refused(post(adv015, "/cases/" + id + "/notes", new JsonObject().put("text", " ")), 400, "text_missing");
      ok(post(adv015, "/cases/" + id + "/notes", new JsonObject().put("text", "已电话联系居民 13812345678，周三下午来站。")));
      refused(post(adv015, "/cases/" + id + "/reply", new JsonObject()), 400, "text_missing");
      refused(post(adv015, "/cases/" + id + "/reply", new JsonObject().put("text", 42)), 400, "body_invalid");
      refused(post(adv015, "/cases/" + id + "/reply", new JsonObject().put("text", "长".repeat(1501))), 400, "reply_too_long");
      ok(post(adv015, "/cases/" + id + "/reply", new JsonObject().put("text", "您好，请带上劳动合同和工资条，周三下午到锦泓社区工作站找我。")));
      JsonArray mailbox = null;
      for (int i = 0; i < 50 && (mailbox == null || mailbox.isEmpty()); i++) {
        Thread.sleep(100);
        mailbox = client.get("/api/chat/messages?user=" + resident + "&after=0").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("messages");
      }
      assertTrue(mailbox.getJsonObject(0).getString("text").contains("请带上劳动合同和工资条"), "the reply reached the resident: " + mailbox);
      assertFalse(mailbox.encode().contains("周三下午来站"), "the internal note did not");

      refused(post(adv015, "/cases/" + id + "/close", new JsonObject().put("outcome", "solved")), 400, "outcome_invalid");
      refused(post(adv015, "/cases/" + id + "/close", new JsonObject()), 400, "outcome_missing");
      refused(post(adv006, "/cases/" + id + "/close", new JsonObject().put("outcome", "answered")), 403, "not_your_case");
      JsonObject closed = ok(post(adv015, "/cases/" + id + "/close", new JsonObject().put("outcome", "mediation").put("note", "调解成功"))).getJsonObject("case");
      assertEquals("resolved", closed.getString("status"));
      refused(post(adv015, "/cases/" + id + "/close", new JsonObject().put("outcome", "answered")), 409, "case_closed");
      refused(post(adv015, "/cases/" + id + "/reply", new JsonObject().put("text", "补充一句")), 409, "case_closed");
      refused(post(adv015, "/cases/" + id + "/claim", null), 409, "case_closed");
      refused(post(adv015, "/cases/" + id + "/transfer", new JsonObject().put("category", "debt")), 409, "case_closed");
      assertTrue(ids(ok(get(adv015, "/cases?scope=mine&status=closed"))).contains(id));
      assertFalse(ids(ok(get(adv015, "/cases?scope=mine"))).contains(id));

      JsonObject page = detailUntil(adv015, id, d -> "sent".equals(event(d, "advisor_reply").getJsonObject("delivery").getString("state")));
      JsonObject transferred = event(page, "transferred");
      assertEquals("adv-006", transferred.getString("actor"));
      assertEquals("律师吴志坚（示例）", transferred.getString("actorLabel"));
      assertEquals("居民在锦泓上班，谢调解员熟悉该厂", transferred.getJsonObject("data").getString("reason"));
      JsonObject note = event(page, "note");
      assertTrue(note.getBoolean("internal"));
      assertTrue(note.getString("text").contains("13812345678"), "the case's own advisor reads the note as written");
      assertEquals("已办结", page.getJsonObject("case").getString("statusLabel"));
      assertEquals("人民调解", page.getJsonObject("case").getString("outcomeLabel"));
      assertFalse(page.getJsonObject("permissions").getBoolean("reply"));
      JsonObject asAdmin = ok(get(admin(), "/cases/" + id));
      assertTrue(event(asAdmin, "note").getString("text").contains("138****5678"), "everyone else reads phone numbers masked");

      List<String> actions = audit(id).stream().map(r -> r.getString("actor") + " " + r.getString("action")).toList();
      assertEquals(List.of("adv-006 case.claim", "adv-006 case.claim", "adv-006 case.transfer", "adv-015 case.note", "adv-015 case.reply",
          "adv-015 case.close", "adv-015 case.view", "admin-1 case.view"), dedupeViews(actions), "refused attempts change nothing and are not actions");
      Row transfer = audit(id).stream().filter(r -> r.getString("action").equals("case.transfer")).findFirst().orElseThrow();
      assertEquals("advisor", transfer.getString("role"));
      assertEquals("adv-015", new JsonObject(transfer.getString("detail")).getString("to"));
      assertFalse(audit(id).stream().anyMatch(r -> r.getString("detail") != null && r.getString("detail").contains("周三")), "no message text in the audit log");
    }

    /** The audit actions with the repeated views of the polling loop folded into one. */
    static List<String> dedupeViews(List<String> actions) {
      List<String> out = new ArrayList<>();
      for (String a : actions) {
        if (a.endsWith("case.view") && !out.isEmpty() && out.get(out.size() - 1).equals(a)) {
          continue;
        }
        out.add(a);
      }
      return out;
    }

    @Test
    @DisplayName("shows a reply that cannot reach the resident as undeliverable, with the reason and what to do instead")
    void undeliverable() throws Exception {
      CaseView c = app.handoff().open(new NewCase(DEAD_CHANNEL, "dead-1", Category.LABOR, false, ZHANGYING, "公司拖欠工资两个月",
          List.of(new NewCase.Line("resident", "公司拖欠工资两个月")))).await(10, TimeUnit.SECONDS);
      assertEquals("adv-006", c.advisorId());
      String adv006 = advisor("adv-006");
      ok(post(adv006, "/cases/" + c.id() + "/reply", new JsonObject().put("text", "您好，请周三来工作站。")));
      JsonObject page = detailUntil(adv006, c.id(), d -> "undeliverable".equals(event(d, "advisor_reply").getJsonObject("delivery").getString("state")));
      JsonObject delivery = event(page, "advisor_reply").getJsonObject("delivery");
      assertEquals("未能送达", delivery.getString("label"));
      assertEquals(DEAD_REASON, delivery.getString("reason"));
      assertTrue(delivery.getString("guidance").startsWith("请通过电话或网格员"), delivery.encode());
      JsonObject failed = detailUntil(adv006, c.id(), d -> objects(d.getJsonArray("timeline")).stream().anyMatch(e -> e.getString("kind").equals("delivery_failed")));
      assertTrue(event(failed, "delivery_failed").getString("text").contains("请通过电话或网格员等其他方式联系居民"));
    }

    // ---------------------------------------------------------------- the case page

    @Test
    @DisplayName("the case page has the resident's conversation with what the bot answered and the knowledge and articles it used; audited as case.view")
    void casePage() throws Exception {
      String user = "web-page";
      JsonObject answered = chat(user, "老板拖欠我三个月工资不给，怎么办？", ZHANGYING);
      assertNull(answered.getValue("case"));
      CaseView c = labourCase(user, "我要找律师");
      JsonObject page = ok(get(advisor("adv-006"), "/cases/" + c.id()));
      assertEquals(c.id(), page.getJsonObject("case").getString("id"));
      assertEquals("web", page.getJsonObject("resident").getString("channel"));
      List<JsonObject> turns = objects(page.getJsonArray("conversation"));
      JsonObject first = turns.get(0);
      assertEquals("老板拖欠我三个月工资不给，怎么办？", first.getString("text"));
      assertEquals("answered", first.getString("outcome"));
      assertEquals("已答复", first.getString("outcomeLabel"));
      assertFalse(first.getBoolean("duringCase"));
      assertTrue(first.getDouble("score") >= 0.5, first.encode());
      JsonObject entry = first.getJsonObject("entry");
      assertTrue(entry.getString("id").startsWith("pf-labor-"), entry.encode());
      assertNotNull(entry.getString("title"));
      assertEquals("/kb/" + entry.getString("id"), entry.getString("url"));
      List<JsonObject> basis = objects(first.getJsonArray("basis"));
      assertFalse(basis.isEmpty(), first.encodePrettily());
      if (LAWS) {
        assertTrue(basis.stream().anyMatch(b -> b.getString("entryId") != null && b.getString("entryId").startsWith("law-")), "articles the index holds link to their page");
      }
      assertTrue(turns.stream().anyMatch(t -> t.getString("outcome").equals("handoff") || t.getString("outcome").equals("command")), turns.toString());
      assertEquals(List.of("created", "resident_message"), objects(page.getJsonArray("timeline")).stream().limit(2).map(e -> e.getString("kind")).toList());
      assertTrue(page.getJsonObject("permissions").getBoolean("reply"));
      assertEquals(6, page.getJsonArray("outcomes").size());
      assertTrue(audit(c.id()).stream().anyMatch(r -> r.getString("action").equals("case.view") && r.getString("actor").equals("adv-006")));
    }

    @Test
    @DisplayName("a field-app case shows the resident's whole phone to its own advisor only; notes never reach the app, transfers do")
    void gridCase() throws Exception {
      JsonObject report = new JsonObject().put("worker", "wg-0301").put("grid", ZHANGYING)
          .put("resident", new JsonObject().put("name", "王某某").put("phone", "13800001234"))
          .put("description", "居民在电子厂上班，老板拖欠三个月工资共一万二。").put("category", "labor");
      HttpResponse<Buffer> r = grid(HttpMethod.POST, "/grid/v1/cases", report.encode());
      assertEquals(201, r.statusCode(), r.bodyAsString());
      String id = r.bodyAsJsonObject().getString("id");
      assertEquals("adv-006", app.handoff().find(id).await(10, TimeUnit.SECONDS).orElseThrow().advisorId());

      JsonObject own = ok(get(advisor("adv-006"), "/cases/" + id)).getJsonObject("resident");
      assertEquals("wg-0301", own.getString("worker"));
      assertEquals(new JsonObject().put("name", "王某某").put("phone", "13800001234").put("masked", false), own.getJsonObject("contact"));
      JsonObject admins = ok(get(admin(), "/cases/" + id)).getJsonObject("resident");
      assertEquals(new JsonObject().put("name", "王**").put("phone", "138****1234").put("masked", true), admins.getJsonObject("contact"));

      ok(post(advisor("adv-006"), "/cases/" + id + "/notes", new JsonObject().put("text", "内部：这家厂去年也有类似纠纷")));
      ok(post(advisor("adv-006"), "/cases/" + id + "/transfer", new JsonObject().put("advisorId", "adv-013")));
      JsonObject assigned = null;
      for (int i = 0; i < 100 && assigned == null; i++) {
        assigned = callbacks.stream().filter(e -> e.getJsonObject("case").getString("id").equals(id) && e.getString("type").equals("case.assigned")
            && e.getJsonObject("case").getJsonObject("advisor").getString("name").equals("黄春生（示例）")).findFirst().orElse(null);
        Thread.sleep(100);
      }
      assertNotNull(assigned, "the transfer reaches the app as the new assignment: " + callbacks);
      assertFalse(callbacks.stream().anyMatch(e -> e.encode().contains("这家厂去年")), "the note never does");
      HttpResponse<Buffer> detail = grid(HttpMethod.GET, "/grid/v1/cases/" + id, "");
      assertEquals(200, detail.statusCode(), detail.bodyAsString());
      List<String> kinds = objects(detail.bodyAsJsonObject().getJsonArray("timeline")).stream().map(e -> e.getString("kind")).toList();
      assertTrue(kinds.contains("transferred"), kinds.toString());
      assertFalse(kinds.contains("note"), kinds.toString());
      assertFalse(detail.bodyAsString().contains("这家厂去年"));
    }

    HttpResponse<Buffer> grid(HttpMethod method, String uri, String body) throws Exception {
      String ts = Long.toString(clock.instant().getEpochSecond());
      String nonce = UUID.randomUUID().toString().replace("-", "");
      String bodySha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(GRID_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = HexFormat.of().formatHex(mac.doFinal((method.name() + "\n" + uri + "\n" + ts + "\n" + nonce + "\n" + bodySha).getBytes(StandardCharsets.UTF_8)));
      return client.request(method, uri).putHeader("X-Xiaofa-App", GRID_APP).putHeader("X-Xiaofa-Timestamp", ts).putHeader("X-Xiaofa-Nonce", nonce)
          .putHeader("X-Xiaofa-Signature", signature).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("canned replies come from the knowledge: a short answer with 依据, for the case or for the advisor's words")
    void canned() throws Exception {
      CaseView c = labourCase("web-canned", "我要找律师，老板拖欠我三个月工资不给");
      String adv006 = advisor("adv-006");
      JsonObject forCase = ok(get(adv006, "/canned?caseId=" + c.id()));
      List<JsonObject> replies = objects(forCase.getJsonArray("replies"));
      assertTrue(!replies.isEmpty() && replies.size() <= 5, forCase.encodePrettily());
      JsonObject top = replies.get(0);
      assertTrue(top.getString("entryId").startsWith("pf-labor-"), top.encode());
      assertTrue(top.getString("text").length() <= 300, top.getString("text"));
      assertTrue(top.getString("basis").startsWith("依据：《"), top.encode());
      assertEquals(top.getString("text") + "\n" + top.getString("basis"), top.getString("reply"));
      assertFalse(top.getString("text").contains("**"), "plain text, no Markdown");
      assertTrue(replies.stream().noneMatch(x -> x.getString("type").equals("law")));

      JsonObject permit = objects(ok(get(adv006, "/canned?q=" + java.net.URLEncoder.encode("建设工程施工许可证怎么办理", StandardCharsets.UTF_8)))
          .getJsonArray("replies")).get(0);
      assertEquals("power", permit.getString("type"));
      assertTrue(permit.getString("text").contains("请到"), permit.encode());

      refused(get(adv006, "/canned"), 400, "query_missing");
      refused(get(adv006, "/canned?q=" + "问".repeat(201)), 400, "query_too_long");
      refused(get(advisor("adv-001"), "/canned?caseId=" + c.id()), 403, "not_your_case");
    }

    // ---------------------------------------------------------------- live events

    @Test
    @DisplayName("a resident's new case and follow-up arrive on /events within 2 s, only for who may see them, and resume after Last-Event-ID")
    void liveEvents() throws Exception {
      Stream lawyer = stream(advisor("adv-006"), null);
      Stream villageCounsel = stream(advisor("adv-002"), null);
      Stream everything = stream(admin(), null);
      Stream fallbackLawyer = stream(advisor("adv-019"), null);
      assertEquals("text/event-stream; charset=utf-8", lawyer.contentType);
      lawyer.awaitRaw("retry: 3000\n");
      Thread.sleep(1200); // the poller has read the current position

      long sent = System.nanoTime();
      JsonObject r = chat("web-live", "我要找律师，公司拖欠我两个月工资不发", ZHANGYING);
      String id = r.getJsonObject("case").getString("id");
      Sse created = lawyer.await(e -> e.name().equals("case.created") && e.data().getString("case").equals(id));
      long latencyMs = (System.nanoTime() - sent) / 1_000_000;
      assertTrue(latencyMs < 2000, "the new case reached the advisor's stream in " + latencyMs + " ms");
      System.out.println("case.created reached the stream " + latencyMs + " ms after /api/chat was called");
      assertEquals("labor", created.data().getString("category"));
      assertEquals("樟影湾社区", created.data().getString("community"));
      assertTrue(created.data().getBoolean("mine"));
      assertEquals(Long.parseLong(created.id()), created.data().getLong("id"));
      everything.await(e -> e.name().equals("case.created") && e.data().getString("case").equals(id));
      assertFalse(lawyer.events.stream().anyMatch(e -> e.name().equals("case.message") && e.data().getString("case").equals(id)),
          "the transcript written with the case is not streamed as new messages");

      chat("web-live", "补充一下：公司叫樟湾电子厂，我手机13912345678", ZHANGYING);
      Sse message = lawyer.await(e -> e.name().equals("case.message") && e.data().getString("case").equals(id));
      assertFalse(message.raw().contains("1391234"), "no text, no phone number in the stream");
      assertFalse(message.raw().contains("樟湾电子厂"));
      ok(post(advisor("adv-006"), "/cases/" + id + "/notes", new JsonObject().put("text", "先电话了解")));
      lawyer.await(e -> e.name().equals("case.note") && e.data().getString("case").equals(id));
      everything.await(e -> e.name().equals("case.note") && e.data().getString("case").equals(id));
      Thread.sleep(1500);
      assertFalse(villageCounsel.events.stream().anyMatch(e -> id.equals(e.data().getString("case"))), "adv-002 has neither labour law nor this case");
      assertFalse(fallbackLawyer.events.stream().anyMatch(e -> id.equals(e.data().getString("case"))), "adv-019 has labour law, but the case was never free");

      // a free labour case of 樟影湾社区 is on adv-019's list too: when adv-006 claims it, adv-019 hears that it is gone
      CaseView free = labourCase("web-live-free", "我要找律师，厂里拖欠我三个月工资");
      unassign(free.id());
      ok(post(advisor("adv-006"), "/cases/" + free.id() + "/claim", null));
      Sse gone = fallbackLawyer.await(e -> e.name().equals("case.assigned") && e.data().getString("case").equals(free.id()));
      assertFalse(gone.data().getBoolean("mine"));
      assertEquals("adv-006", gone.data().getString("advisor"));
      assertTrue(lawyer.await(e -> e.name().equals("case.assigned") && e.data().getString("case").equals(free.id())).data().getBoolean("mine"));

      // reconnect after the case.created event: the follow-up and the note come again
      lawyer.close();
      Stream resumed = stream(advisor("adv-006"), created.id());
      resumed.await(e -> e.name().equals("case.message") && e.data().getString("case").equals(id));
      resumed.await(e -> e.name().equals("case.note") && e.data().getString("case").equals(id));
      assertFalse(resumed.events.stream().anyMatch(e -> e.name().equals("case.created") && e.data().getString("case").equals(id)));
      assertEquals(1, resumed.events.stream().filter(e -> e.name().equals("case.message") && e.data().getString("case").equals(id)).count(),
          "the follow-up only: the conversation written with the case is never streamed as new messages");
      resumed.close();
      villageCounsel.close();
      everything.close();

      HttpResponse<Buffer> bad = client.get("/console/api/events").putHeader("Authorization", "Bearer " + admin()).putHeader("Last-Event-ID", "yesterday")
          .send().await(10, TimeUnit.SECONDS);
      refused(bad, 400, "last_event_id_invalid");
    }

    @Test
    @DisplayName("caps a user's streams at five with a 429 in Chinese, and frees a place when a client goes away")
    void streamCap() throws Exception {
      String token = advisor("adv-006");
      List<Stream> open = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        open.add(stream(token, null));
      }
      HttpResponse<Buffer> sixth = client.get("/console/api/events").putHeader("Authorization", "Bearer " + token).send().await(10, TimeUnit.SECONDS);
      assertEquals(429, sixth.statusCode());
      JsonObject problem = sixth.bodyAsJsonObject();
      assertEquals("too_many_streams", problem.getString("error"));
      assertTrue(problem.getString("message").contains("关闭不用的页面"), problem.encode());
      assertTrue(stream(advisor("adv-001"), null).closeAndReturn(), "other users are not affected");

      open.remove(0).close();
      Stream again = null;
      for (int i = 0; i < 50 && again == null; i++) {
        Thread.sleep(100);
        again = tryStream(token, null);
      }
      assertNotNull(again, "a closed stream frees its place");
      again.close();
      open.forEach(Stream::close);
    }
  }

  /** One Server-Sent Event. */
  record Sse(String id, String name, JsonObject data, String raw) {}

  /** A console client's event stream, read with a bearer token as the console's fetch() does. */
  static final class Stream {
    final List<Sse> events = new CopyOnWriteArrayList<>();
    final StringBuilder all = new StringBuilder();
    final StringBuilder pending = new StringBuilder();
    HttpClientRequest request;
    String contentType;

    static Stream open(HttpClient http, String token, String lastEventId) throws Exception {
      Stream s = tryOpen(http, token, lastEventId);
      assertNotNull(s, "the stream was refused");
      return s;
    }

    /** The stream, or null when the server refused it. */
    static Stream tryOpen(HttpClient http, String token, String lastEventId) throws Exception {
      Stream s = new Stream();
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI("/console/api/events").putHeader("Authorization", "Bearer " + token)
          .putHeader("Accept", "text/event-stream").putHeader("Accept-Encoding", "gzip, deflate, br");
      if (lastEventId != null) {
        options.putHeader("Last-Event-ID", lastEventId);
      }
      s.request = http.request(options).await(10, TimeUnit.SECONDS);
      // the handler is set on the event loop as the head arrives, so that no chunk is read before it
      HttpClientResponse response = s.request.send().compose(r -> {
        if (r.statusCode() == 200) {
          r.handler(s::received);
        }
        return Future.succeededFuture(r);
      }).await(10, TimeUnit.SECONDS);
      if (response.statusCode() != 200) {
        s.request.connection().close();
        return null;
      }
      s.contentType = response.getHeader("Content-Type");
      String encoding = response.getHeader("Content-Encoding");
      assertTrue(encoding == null || encoding.equals("identity"), "an event stream must not be compressed: " + encoding);
      return s;
    }

    synchronized void received(Buffer b) {
      String text = b.toString(StandardCharsets.UTF_8);
      all.append(text);
      pending.append(text);
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String block = pending.substring(0, end);
        pending.delete(0, end + 2);
        String id = null;
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line : block.split("\n")) {
          if (line.startsWith("id: ")) {
            id = line.substring(4);
          } else if (line.startsWith("event: ")) {
            name = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data.append(line.substring(6));
          }
        }
        if (name != null) {
          events.add(new Sse(id, name, new JsonObject(data.toString()), block));
        }
      }
    }

    synchronized String raw() {
      return all.toString();
    }

    void awaitRaw(String prefix) throws Exception {
      for (int i = 0; i < 50 && !raw().startsWith(prefix); i++) {
        Thread.sleep(50);
      }
      assertTrue(raw().startsWith(prefix), raw());
    }

    Sse await(Predicate<Sse> which) throws Exception {
      for (int i = 0; i < 50; i++) {
        for (Sse e : events) {
          if (which.test(e)) {
            return e;
          }
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no such event within 2.5 s; got " + events);
    }

    void close() {
      if (request.connection() != null) {
        request.connection().close();
      }
    }

    boolean closeAndReturn() {
      close();
      return true;
    }
  }
}
