package xiaofa.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xiaofa.Main;
import xiaofa.handoff.CaseEvent;
import xiaofa.handoff.CaseView;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;

/**
 * With {@code XIAOFA_WECHAT_PASSIVE_BUDGET_MS=0} every answer goes out as a customer-service message through the
 * outbox, to a fake WeChat API: one message for three concurrent deliveries of a push, advisors' replies in the
 * resident's chat, and a resident outside the 48-hour window reported on the case instead of retried.
 */
@DisplayName("The WeChat channel answering through the customer-service API")
class WeChatLateAnswerTest {
  static final Vertx vertx = Vertx.vertx();
  // Tuesday 10:00 in Pingjiang: office hours
  static final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
  static Main.App app;
  static WebClient client;
  static FakeWeChatApi fake;

  @BeforeAll
  static void start() throws Exception {
    fake = new FakeWeChatApi(vertx, Pushes.APP_ID, Pushes.SECRET).start();
    app = Main.start(vertx, WeChatChannelTest.config(Duration.ZERO, fake.base()), clock).await(60, TimeUnit.SECONDS);
    app.ready().await(300, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    fake.close();
    app.stop().await(30, TimeUnit.SECONDS);
  }

  static long now() {
    return clock.instant().getEpochSecond();
  }

  static List<JsonObject> sentTo(String user) {
    return fake.sent().stream().filter(m -> m.getString("touser").equals(user)).toList();
  }

  static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  static HttpResponse<Buffer> post(Pushes.Request r) throws Exception {
    return client.post(r.uri()).sendBuffer(Buffer.buffer(r.body())).await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("three concurrent deliveries of one push are answered success and produce exactly one customer-service message")
  void oneMessageForThreeDeliveries() throws Exception {
    String user = "oLateUser00000000001";
    String xml = Pushes.text(user, "老板拖欠我三个月工资不给，怎么办？", Pushes.nextMsgId(), now());
    Pushes pushes = new Pushes();
    List<Future<HttpResponse<Buffer>>> deliveries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Pushes.Request r = i == 2 ? pushes.secure(xml, now() + i, user) : Pushes.plain(xml, now() + i, user);
      deliveries.add(client.post(r.uri()).sendBuffer(Buffer.buffer(r.body())));
    }
    Future.all(deliveries).await(30, TimeUnit.SECONDS);
    for (Future<HttpResponse<Buffer>> d : deliveries) {
      assertEquals(200, d.result().statusCode());
      assertEquals("success", d.result().bodyAsString());
    }
    waitFor(() -> !sentTo(user).isEmpty(), "the customer-service message");
    Thread.sleep(1500); // time for a duplicate to show up, if the channel were to send one
    List<JsonObject> sent = sentTo(user);
    assertEquals(1, sent.size(), sent.toString());
    assertEquals("text", sent.get(0).getString("msgtype"));
    assertTrue(sent.get(0).getJsonObject("text").getString("content").contains("劳动合同法"), sent.get(0).encodePrettily());
  }

  @Test
  @DisplayName("an advisor's reply reaches the resident's WeChat; after 45015 it is not retried and the case says to call the resident")
  void advisorRepliesAndTheWindow() throws Exception {
    String user = "oCaseUser00000000001";
    post(Pushes.plain(Pushes.text(user, "转人工", Pushes.nextMsgId(), now()), now(), user));
    post(Pushes.plain(Pushes.text(user, "公司辞退我不给经济补偿", Pushes.nextMsgId(), now()), now(), user));
    waitFor(() -> sentTo(user).size() >= 2, "the answers to both messages");
    CaseView c = app.handoff().openCaseOf("wechat", user).await(10, TimeUnit.SECONDS).orElseThrow();

    app.handoff().advisorReply(c.id(), c.advisorId(), "您好，请准备好劳动合同和辞退通知。").await(10, TimeUnit.SECONDS);
    waitFor(() -> sentTo(user).stream().anyMatch(m -> m.getJsonObject("text").getString("content").contains("辞退通知")), "the advisor's reply");

    fake.script.add(FakeWeChatApi.Scripted.errcode(45015));
    long before = fake.attempts("/custom/send");
    app.handoff().advisorReply(c.id(), c.advisorId(), "第二条回复：明天上午十点来工作站。").await(10, TimeUnit.SECONDS);
    waitFor(() -> app.handoff().timeline(c.id()).await().stream().anyMatch(e -> e.kind().equals(CaseEvent.DELIVERY_FAILED)), "the delivery failure on the case");
    CaseEvent failed = app.handoff().timeline(c.id()).await().stream().filter(e -> e.kind().equals(CaseEvent.DELIVERY_FAILED)).findFirst().orElseThrow();
    assertTrue(failed.text().contains("48 小时"), failed.text());
    assertTrue(failed.text().contains("电话"), failed.text());
    Thread.sleep(2500); // past the outbox's first backoff: nothing is retried
    assertEquals(before + 1, fake.attempts("/custom/send"));
    Row row = Database.execute(app.db().pool(), "SELECT status, attempts FROM outbox WHERE case_id = ? AND kind = 'advisor_reply' ORDER BY id DESC",
        Tuple.of(c.id())).await().iterator().next();
    assertEquals("undeliverable", row.getString("status"));
    assertEquals(1, row.getInteger("attempts"));
  }
}
