package xiaofa.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import xiaofa.outbox.ChannelSender;
import xiaofa.outbox.OutboxMessage;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;
import xiaofa.platform.TestDatabases;

/**
 * The API client against a fake WeChat server, on H2 and PostgreSQL (the token row is shared through the database):
 * one token for many calls and for several nodes, a refresh after 42001/40001, retries after 503 and −1, no retry
 * after the permanent refusals, and a token refreshed before it expires.
 */
class WeChatApiTest {
  static final String APP_ID = "wx1234567890abcdef";
  static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir Path tmp;
  Vertx vertx;
  FakeWeChatApi fake;
  Database db;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
  final List<WebClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    fake = new FakeWeChatApi(vertx, APP_ID, SECRET).start();
  }

  @AfterEach
  void tearDown() {
    fake.close();
    if (db != null) {
      await(db.close());
    }
    await(vertx.close());
  }

  WeChatApi node(String kind) {
    if (db == null) {
      db = await(Database.open(vertx, TestDatabases.fresh(kind), tmp));
    }
    AppConfig.WeChat config = new AppConfig.WeChat("harnessToken2024", APP_ID, SECRET, "", "", fake.base(), Duration.ofMillis(4000), Optional.empty(), Optional.empty());
    WebClient client = WebClient.create(vertx);
    clients.add(client);
    return new WeChatApi(vertx, client, db.pool(), clock, config, new SimpleMeterRegistry(), 3, Duration.ofMillis(20));
  }

  static JsonObject text(String to, String content) {
    return new JsonObject().put("touser", to).put("msgtype", "text").put("text", new JsonObject().put("content", content));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 20 s", e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("one token serves many concurrent calls and a second node: it is fetched once and shared through the database")
  void tokenSharedAndSingleFlight(String kind) {
    WeChatApi a = node(kind);
    List<Future<JsonObject>> sends = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sends.add(a.sendCustomMessage(text("oUser" + i, "hi")));
    }
    await(Future.all(sends));
    WeChatApi b = node(kind);
    await(b.sendCustomMessage(text("oUserB", "from the other node")));
    assertEquals(1, fake.tokensIssued.get(), "one token fetch for 11 calls on two nodes");
    assertEquals(11, fake.sent().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("after 42001 (expired) the token is refreshed once and the call repeated; the other node then takes the new token")
  void refreshAfterExpired(String kind) {
    WeChatApi a = node(kind);
    WeChatApi b = node(kind);
    await(a.sendCustomMessage(text("oUser", "first")));
    String before = await(a.token());
    fake.expireTokens();
    await(a.sendCustomMessage(text("oUser", "second")));
    assertEquals(2, fake.tokensIssued.get());
    assertNotEquals(before, await(a.token()));
    // node b has cached nothing yet: it takes the refreshed token from the shared row
    await(b.sendCustomMessage(text("oUser", "third")));
    assertEquals(2, fake.tokensIssued.get(), "node b reuses the refreshed token from the database");
    assertEquals(List.of("first", "second", "third"), fake.sent().stream().map(m -> m.getJsonObject("text").getString("content")).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("a node whose cached token was replaced elsewhere gets 40001, takes the newer shared token, and does not fetch another")
  void staleNodeTakesSharedToken(String kind) {
    WeChatApi a = node(kind);
    WeChatApi b = node(kind);
    await(a.sendCustomMessage(text("oUser", "a1")));
    await(b.sendCustomMessage(text("oUser", "b1")));
    fake.expireTokens();
    await(a.sendCustomMessage(text("oUser", "a2"))); // a refreshes: TOKEN-2 in the database
    await(b.sendCustomMessage(text("oUser", "b2"))); // b's TOKEN-1 is refused: b takes TOKEN-2
    assertEquals(2, fake.tokensIssued.get());
    assertEquals(4, fake.sent().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("503 and errcode -1 are retried with backoff until the call goes through")
  void retriesTransientFailures(String kind) {
    WeChatApi a = node(kind);
    fake.script.add(FakeWeChatApi.Scripted.http(503));
    fake.script.add(FakeWeChatApi.Scripted.errcode(-1));
    await(a.sendCustomMessage(text("oUser", "eventually")));
    assertEquals(3, fake.attempts("/custom/send"));
    assertEquals(1, fake.sent().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("45015, 45047, 43004 are not retried: the sender marks the message undeliverable with a reason for the advisor")
  void permanentRefusals(String kind) {
    WeChatSender sender = new WeChatSender(node(kind));
    for (int code : new int[] {45015, 45047, 43004}) {
      long before = fake.attempts("/custom/send");
      fake.script.add(FakeWeChatApi.Scripted.errcode(code));
      ChannelSender.Delivery d = await(sender.send(message("reply-" + code, "律师的回复")));
      assertEquals(ChannelSender.Delivery.Result.UNDELIVERABLE, d.result());
      assertEquals(WeChatSender.PERMANENT.get(code), d.detail());
      assertEquals(before + 1, fake.attempts("/custom/send"), "one attempt only for " + code);
    }
    assertTrue(fake.sent().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("a failure that outlasts the in-process retries is handed back to the outbox to retry later")
  void outlastingFailureIsRetriedLater(String kind) {
    WeChatSender sender = new WeChatSender(node(kind));
    for (int i = 0; i < 3; i++) {
      fake.script.add(FakeWeChatApi.Scripted.http(502));
    }
    assertEquals(ChannelSender.Delivery.Result.RETRY, await(sender.send(message("k", "x"))).result());
    assertEquals(ChannelSender.Delivery.Result.SENT, await(sender.send(message("k", "x"))).result());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("a token is refreshed five minutes before it expires, without waiting for WeChat to refuse it")
  void refreshedBeforeExpiry(String kind) {
    WeChatApi a = node(kind);
    await(a.sendCustomMessage(text("oUser", "1")));
    clock.advance(Duration.ofMinutes(114)); // 6 minutes left of 120
    await(a.sendCustomMessage(text("oUser", "2")));
    assertEquals(1, fake.tokensIssued.get());
    clock.advance(Duration.ofMinutes(2)); // 4 minutes left: inside the margin
    await(a.sendCustomMessage(text("oUser", "3")));
    assertEquals(2, fake.tokensIssued.get());
    assertEquals(3, fake.sent().size());
    assertEquals(0, fake.attempts("/custom/send") - 3, "no call was refused on the way");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("a wrong AppSecret fails with WeChat's errcode, and other errors are not retried")
  void configurationErrors(String kind) {
    AppConfig.WeChat wrong = new AppConfig.WeChat("harnessToken2024", APP_ID, "ffffffffffffffffffffffffffffffff", "", "", fake.base(), Duration.ofMillis(4000),
        Optional.empty(), Optional.empty());
    db = await(Database.open(vertx, TestDatabases.fresh(kind), tmp));
    WeChatApi api = new WeChatApi(vertx, WebClient.create(vertx), db.pool(), clock, wrong, new SimpleMeterRegistry(), 3, Duration.ofMillis(20));
    CompletionException e = assertThrows(CompletionException.class, () -> api.sendCustomMessage(text("o", "x")).toCompletionStage().toCompletableFuture().join());
    WeChatApi.ApiError err = assertInstanceOf(WeChatApi.ApiError.class, e.getCause());
    assertEquals(40125, err.errcode());
    assertEquals(0, fake.attempts("/custom/send"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("long texts go out in parts of at most 2,000 bytes; news cards as one article")
  void messageShapes(String kind) {
    WeChatSender sender = new WeChatSender(node(kind));
    String longText = ("第一段内容很长。".repeat(60) + "\n").repeat(3);
    assertEquals(ChannelSender.Delivery.Result.SENT, await(sender.send(message("long", longText))).result());
    List<JsonObject> parts = fake.sent();
    assertTrue(parts.size() >= 2);
    parts.forEach(p -> assertTrue(p.getJsonObject("text").getString("content").getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 2000));
    assertEquals(longText.replace("\n", ""), String.join("", parts.stream().map(p -> p.getJsonObject("text").getString("content").replace("\n", "")).toList()));
    OutboxMessage news = OutboxMessage.of("wechat", "oUser", "late_answer", null, new JsonObject().put("text", "t")
        .put("news", new JsonObject().put("title", "标题").put("description", "摘要").put("url", "https://x.example/kb/pf-1")), "news");
    await(sender.send(news));
    JsonObject card = fake.sent().get(fake.sent().size() - 1);
    assertEquals("news", card.getString("msgtype"));
    assertEquals(1, card.getJsonObject("news").getJsonArray("articles").size());
    assertEquals(URI.create("https://x.example/kb/pf-1").toString(), card.getJsonObject("news").getJsonArray("articles").getJsonObject(0).getString("url"));
  }

  static OutboxMessage message(String key, String text) {
    return new OutboxMessage(1, "wechat", "oUserX", "advisor_reply", "XF-20261124-0001", new JsonObject().put("text", text), key, 0);
  }
}
