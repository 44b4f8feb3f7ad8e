package xiaofa.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import me.chanjar.weixin.common.util.crypto.SHA1;
import me.chanjar.weixin.common.util.crypto.WxCryptUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xiaofa.Main;
import xiaofa.dialog.Reply;
import xiaofa.handoff.CaseEvent;
import xiaofa.handoff.CaseView;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;

/**
 * The server URL as WeChat uses it, answering passively (budget 4 s): URL verification and the secure-mode vectors of
 * the protocol reference, pushes encrypted by WxJava and replies WxJava decrypts and verifies, every message and event
 * type, retries handled once, and forged, malformed, hostile or oversized requests refused with a bare 4xx.
 */
@DisplayName("The WeChat server URL, answering passively")
class WeChatChannelTest {
  static final Vertx vertx = Vertx.vertx();
  // the protocol reference's vectors are signed at 1700000000; the service refuses timestamps a day off its clock
  static final long T0 = 1_700_000_000L;
  static final MutableClock clock = new MutableClock(Instant.ofEpochSecond(T0 + 60));
  static final Path SHARED_LAWS = Path.of("../shared/data/laws");
  static final URI PUBLIC = URI.create("https://xiaofa.example.gov.cn");
  static Main.App app;
  static WebClient client;
  static FakeWeChatApi fake;
  final Pushes pushes = new Pushes();

  @BeforeAll
  static void start() throws Exception {
    fake = new FakeWeChatApi(vertx, Pushes.APP_ID, Pushes.SECRET).start();
    app = Main.start(vertx, config(Duration.ofMillis(4000), fake.base()), clock).await(60, TimeUnit.SECONDS);
    app.ready().await(300, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"));
  }

  /** The chat tests' app (same knowledge, same index) with the channel on. */
  static AppConfig config(Duration budget, URI apiBase) {
    AppConfig c = AppConfig.forTest(Path.of("target/test-data/chat-app"), Path.of("knowledge"), Files.isDirectory(SHARED_LAWS) ? SHARED_LAWS : null);
    AppConfig.WeChat wc = new AppConfig.WeChat(Pushes.TOKEN, Pushes.APP_ID, Pushes.SECRET, Pushes.AES_KEY, "", apiBase, budget, Optional.of(PUBLIC), Optional.empty());
    return c.withWeChat(wc);
  }

  @AfterAll
  static void stop() throws Exception {
    fake.close();
    app.stop().await(30, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> post(Pushes.Request r) throws Exception {
    return client.post(r.uri()).putHeader("Content-Type", "text/xml").sendBuffer(Buffer.buffer(r.body())).await(30, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> post(String uri, String body) throws Exception {
    return client.post(uri).putHeader("Content-Type", "text/xml").sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
  }

  static long now() {
    return clock.instant().getEpochSecond();
  }

  /** The reply's fields, from plaintext XML. */
  static Map<String, String> fields(String xml) throws Exception {
    return WxXml.parse(xml);
  }

  static Map<String, String> plainReply(String user, String text) throws Exception {
    HttpResponse<Buffer> r = post(Pushes.plain(Pushes.text(user, text, Pushes.nextMsgId(), now()), now(), user));
    assertEquals(200, r.statusCode());
    return fields(r.bodyAsString());
  }

  // ---------------------------------------------------------------- the reference's vectors

  @Test
  @DisplayName("V1: URL verification echoes echostr exactly; a wrong signature or a missing echostr is refused without an echo")
  void urlVerification() throws Exception {
    HttpResponse<Buffer> ok = client.get("/wechat?signature=c52ee15748dfdcb25a75d614ed642a7d6ef4a6d5&timestamp=1700000000&nonce=1320562132&echostr=6372895716411392409")
        .send().await(10, TimeUnit.SECONDS);
    assertEquals(200, ok.statusCode());
    assertEquals("6372895716411392409", ok.bodyAsString());
    HttpResponse<Buffer> forged = client.get("/wechat?signature=c52ee15748dfdcb25a75d614ed642a7d6ef4a6d4&timestamp=1700000000&nonce=1320562132&echostr=6372895716411392409")
        .send().await(10, TimeUnit.SECONDS);
    assertEquals(403, forged.statusCode());
    assertEquals(0, forged.body() == null ? 0 : forged.body().length());
    assertEquals(403, client.get("/wechat?signature=c52ee15748dfdcb25a75d614ed642a7d6ef4a6d5&timestamp=1700000000&nonce=1320562132")
        .send().await(10, TimeUnit.SECONDS).statusCode());
  }

  @Test
  @DisplayName("V2: the reference's encrypted push is accepted and answered with an encrypted reply WxJava decrypts and verifies")
  void vectorPush() throws Exception {
    String query = "signature=" + SHA1.gen(Pushes.TOKEN, "1700000000", "1320562132") + "&timestamp=1700000000&nonce=1320562132&openid=oHarnessVectorUser0000000001"
        + "&encrypt_type=aes&msg_signature=8e50d7464a2506da290aa6aa74f617076eb9c05e";
    String body = "<xml><ToUserName><![CDATA[gh_harness00001]]></ToUserName><Encrypt><![CDATA[" + WxCryptoTest.V2_ENCRYPT + "]]></Encrypt></xml>";
    HttpResponse<Buffer> r = post("/wechat?" + query, body);
    assertEquals(200, r.statusCode());
    assertFalse(r.bodyAsString().contains("<Content>"), "a secure-mode reply carries no plaintext");
    Map<String, String> reply = fields(pushes.open(r.bodyAsString()));
    assertEquals("oHarnessVectorUser0000000001", reply.get("ToUserName"));
    assertEquals("gh_harness00001", reply.get("FromUserName"));
    assertEquals("text", reply.get("MsgType"));
    assertTrue(reply.get("Content").contains("小法"), reply.get("Content"));
  }

  // ---------------------------------------------------------------- real questions, three modes

  @Test
  @DisplayName("a real question in plaintext, compatibility and secure mode gets the same cited answer, within WeChat's 2,048 bytes")
  void threeModes() throws Exception {
    String q = "老板拖欠我三个月工资不给，怎么办？";
    Map<String, String> plain = plainReply("oPlainUser00000000001", q);
    assertEquals("text", plain.get("MsgType"));
    assertTrue(plain.get("Content").contains("劳动"), plain.get("Content"));
    assertTrue(plain.get("Content").contains("依据"), plain.get("Content"));
    assertTrue(plain.get("Content").getBytes(StandardCharsets.UTF_8).length <= 2048);

    String user = "oSecureUser0000000001";
    Pushes.Request secure = pushes.secure(Pushes.text(user, q, Pushes.nextMsgId(), now()), now(), user);
    HttpResponse<Buffer> r = post(secure);
    assertEquals(200, r.statusCode());
    Map<String, String> reply = fields(pushes.open(r.bodyAsString()));
    assertEquals(user, reply.get("ToUserName"));
    assertEquals(plain.get("Content"), reply.get("Content"));

    // compatibility mode: plaintext fields and Encrypt in one body; the ciphertext is what counts
    String compatUser = "oCompatUser0000000001";
    String inner = Pushes.text(compatUser, q, Pushes.nextMsgId(), now());
    String encrypt = pushes.wx.encrypt("abcdefghijklmnop", inner);
    String ts = Long.toString(now());
    String nonce = Pushes.nonce();
    String compat = inner.replace("</xml>", "<Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>");
    HttpResponse<Buffer> c = post("/wechat?" + Pushes.secureQuery(ts, nonce, encrypt, compatUser), compat);
    assertEquals(200, c.statusCode());
    assertEquals(plain.get("Content"), fields(pushes.open(c.bodyAsString())).get("Content"));
  }

  @Test
  @DisplayName("after an EncodingAESKey rotation, pushes under the previous key are still accepted while the new one is configured")
  void keyRotation() throws Exception {
    // covered at the crypto level (WxCryptoTest.rotation); here: a push under an unknown key is refused
    WxCryptUtil stranger = new WxCryptUtil(Pushes.TOKEN, "Abcdefghijklmnopqrstuvwxyz0123456789ABCDEFA", Pushes.APP_ID);
    String user = "oStrangerKey000000001";
    String encrypt = stranger.encrypt("abcdefghijklmnop", Pushes.text(user, "你好", Pushes.nextMsgId(), now()));
    HttpResponse<Buffer> r = post("/wechat?" + Pushes.secureQuery(Long.toString(now()), Pushes.nonce(), encrypt, user),
        "<xml><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>");
    assertEquals(403, r.statusCode());
  }

  // ---------------------------------------------------------------- refusals

  @Test
  @DisplayName("forged, foreign, stale, malformed, hostile and oversized requests get a bare 4xx and change nothing")
  void refusals() throws Exception {
    String user = "oAttacker00000000001";
    String xml = Pushes.text(user, "你好", Pushes.nextMsgId(), now());
    Pushes.Request good = Pushes.plain(xml, now(), user);

    List<HttpResponse<Buffer>> refused = new ArrayList<>();
    refused.add(post("/wechat?" + good.query().replace("signature=", "signature=0"), xml));
    refused.add(post("/wechat?timestamp=" + now() + "&nonce=1", xml));
    Pushes.Request stale = Pushes.plain(xml, now() - Duration.ofDays(2).toSeconds(), user);
    refused.add(post(stale));
    // a secure push whose msg_signature does not match its Encrypt
    Pushes.Request secure = pushes.secure(xml, now(), user);
    refused.add(post("/wechat?" + secure.query().replaceAll("msg_signature=[0-9a-f]+", "msg_signature=" + "0".repeat(40)), secure.body()));
    // correctly signed, but encrypted for another AppID
    WxCryptUtil other = new WxCryptUtil(Pushes.TOKEN, Pushes.AES_KEY, "wxffffffffffffffff");
    String foreign = other.encrypt("abcdefghijklmnop", xml);
    refused.add(post("/wechat?" + Pushes.secureQuery(Long.toString(now()), Pushes.nonce(), foreign, user), "<xml><Encrypt><![CDATA[" + foreign + "]]></Encrypt></xml>"));
    for (HttpResponse<Buffer> r : refused) {
      assertEquals(403, r.statusCode());
      assertTrue(r.body() == null || r.body().length() == 0, "the refusal reveals nothing");
    }

    String[] hostile = {
        "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><ToUserName>gh</ToUserName><FromUserName>" + user
            + "</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>",
        "<!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
            + "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><xml><Content>&d;</Content></xml>",
        "<xml><ToUserName>gh</ToUserName>",
        "{\"json\": true}",
        "<xml><Content>no sender</Content></xml>"};
    for (String body : hostile) {
      HttpResponse<Buffer> r = post(Pushes.plain(body, now(), user).uri(), body);
      assertEquals(400, r.statusCode(), body);
      assertTrue(r.body() == null || r.body().length() == 0);
    }
    HttpResponse<Buffer> unknownMode = post("/wechat?" + good.query() + "&encrypt_type=rot13", xml);
    assertEquals(400, unknownMode.statusCode());

    String huge = xml.replace("你好", "长".repeat(30_000));
    HttpResponse<Buffer> big = post(Pushes.plain(huge, now(), user).uri(), huge);
    assertEquals(413, big.statusCode());
    assertTrue(big.body() == null || big.body().length() == 0);

    long turns = count("SELECT COUNT(*) AS n FROM turns WHERE user_ref = ?", user);
    assertEquals(0, turns, "nothing refused reached the dialog");
  }

  static long count(String sql, String param) {
    return Database.execute(app.db().pool(), sql, Tuple.of(param)).map(rows -> rows.iterator().next().getLong("n")).await();
  }

  // ---------------------------------------------------------------- retries

  @Test
  @DisplayName("three overlapping deliveries of one push (fresh timestamp and nonce each) are handled once and all get the first reply")
  void retriesHandledOnce() throws Exception {
    String user = "oRetryUser0000000001";
    String xml = Pushes.text(user, "工伤认定需要什么材料", Pushes.nextMsgId(), now());
    List<Future<HttpResponse<Buffer>>> deliveries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Pushes.Request r = i == 1 ? pushes.secure(xml, now(), user) : Pushes.plain(xml, now(), user);
      deliveries.add(client.post(r.uri()).sendBuffer(Buffer.buffer(r.body())));
    }
    Future.all(deliveries).await(30, TimeUnit.SECONDS);
    List<Map<String, String>> contents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> r = deliveries.get(i).result();
      assertEquals(200, r.statusCode());
      Map<String, String> f = new java.util.HashMap<>(fields(i == 1 ? pushes.open(r.bodyAsString()) : r.bodyAsString()));
      f.remove("CreateTime");
      contents.add(f);
    }
    assertEquals(1, contents.stream().distinct().count(), contents.toString());
    assertTrue(contents.get(0).toString().contains("工伤"), contents.get(0).toString());
    assertEquals(1, count("SELECT COUNT(*) AS n FROM turns WHERE user_ref = ?", user), "one dialog turn for three deliveries");

    // a later retry (after the first finished) gets the same stored reply
    HttpResponse<Buffer> late = post(Pushes.plain(xml, now() + 10, user));
    Map<String, String> again = new java.util.HashMap<>(fields(late.bodyAsString()));
    again.remove("CreateTime");
    assertEquals(contents.get(0), again);
    assertEquals(1, count("SELECT COUNT(*) AS n FROM turns WHERE user_ref = ?", user));
  }

  // ---------------------------------------------------------------- message and event types

  @Test
  @DisplayName("a shared location becomes the area hint: the resident's case goes to that community")
  void locationRoutesTheCase() throws Exception {
    String user = "oLocatedUser00000001";
    // 昌江社区 (PJGX-C02) in knowledge/areas.csv
    var area = app.handoff().areas().byCode("PJGX-C02-G01").orElseThrow();
    String loc = Pushes.message(user, "location", "<Location_X>" + area.lat() + "</Location_X><Location_Y>" + area.lon()
        + "</Location_Y><Scale>15</Scale><Label><![CDATA[某小区]]></Label>", now());
    Map<String, String> ack = fields(post(Pushes.plain(loc, now(), user)).bodyAsString());
    assertTrue(ack.get("Content").contains(area.community()), ack.get("Content"));

    plainReply(user, "我要找律师，邻居家装修把我家墙弄裂了不肯赔");
    CaseView c = app.handoff().openCaseOf("wechat", user).await(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no case opened"));
    assertEquals(area.community(), c.community());
  }

  @Test
  @DisplayName("subscribing through a community's QR code records the grid; unsubscribing forgets it")
  void subscribeAndScene() throws Exception {
    String user = "oSubscriber000000001";
    HttpResponse<Buffer> r = post(Pushes.plain(Pushes.event(user, "subscribe", "qrscene_PJGX-C01-G02", now()), now(), user));
    assertTrue(fields(r.bodyAsString()).get("Content").startsWith("欢迎关注"));
    assertEquals(1, count("SELECT COUNT(*) AS n FROM wechat_users WHERE open_id = ? AND area = 'PJGX-C01-G02'", user));
    HttpResponse<Buffer> bye = post(Pushes.plain(Pushes.event(user, "unsubscribe", null, now() + 1), now(), user));
    assertEquals("success", bye.bodyAsString());
    assertEquals(0, count("SELECT COUNT(*) AS n FROM wechat_users WHERE open_id = ?", user));
  }

  @Test
  @DisplayName("voice is answered from its recognised text, or the resident is asked to type")
  void voice() throws Exception {
    String user = "oVoiceUser0000000001";
    String heard = Pushes.message(user, "voice", "<MediaId><![CDATA[m1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[离婚要走什么程序]]></Recognition>", now());
    assertTrue(fields(post(Pushes.plain(heard, now(), user)).bodyAsString()).get("Content").contains("离婚"));
    String unheard = Pushes.message(user, "voice", "<MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format>", now());
    assertEquals(WeChatChannel.VOICE_UNHEARD, fields(post(Pushes.plain(unheard, now(), user)).bodyAsString()).get("Content"));
  }

  @Test
  @DisplayName("an image is acknowledged with a hand-off offer, or goes to the open case's advisor")
  void media() throws Exception {
    String user = "oImageUser0000000001";
    String image = Pushes.message(user, "image", "<PicUrl><![CDATA[https://mmbiz.example/p.jpg]]></PicUrl><MediaId><![CDATA[i1]]></MediaId>", now());
    String first = fields(post(Pushes.plain(image, now(), user)).bodyAsString()).get("Content");
    assertTrue(first.contains("转人工"), first);

    plainReply(user, "转人工");
    plainReply(user, "公司不给我缴社保，我想找律师");
    CaseView c = app.handoff().openCaseOf("wechat", user).await(10, TimeUnit.SECONDS).orElseThrow();
    String image2 = Pushes.message(user, "image", "<PicUrl><![CDATA[https://mmbiz.example/contract.jpg]]></PicUrl><MediaId><![CDATA[i2]]></MediaId>", now());
    String second = fields(post(Pushes.plain(image2, now(), user)).bodyAsString()).get("Content");
    assertTrue(second.contains(c.id()), second);
    List<CaseEvent> timeline = app.handoff().timeline(c.id()).await(10, TimeUnit.SECONDS);
    assertTrue(timeline.stream().anyMatch(e -> e.text() != null && e.text().contains("contract.jpg")));
  }

  @Test
  @DisplayName("menu clicks do what menu.json says; unknown keys get help; link opens and location reports are answered with success")
  void menuAndSilentEvents() throws Exception {
    String user = "oMenuUser00000000001";
    String aid = fields(post(Pushes.plain(Pushes.event(user, "CLICK", "ASK_LEGAL_AID", now()), now(), user)).bodyAsString()).toString();
    assertTrue(aid.contains("法律援助"), aid);
    String help = fields(post(Pushes.plain(Pushes.event(user, "CLICK", "NO_SUCH_KEY", now() + 1), now(), user)).bodyAsString()).get("Content");
    assertTrue(help.contains("转人工"), help);
    String handoff = fields(post(Pushes.plain(Pushes.event(user, "CLICK", "HANDOFF", now() + 2), now(), user)).bodyAsString()).get("Content");
    assertTrue(handoff.contains("转接"), handoff);
    assertEquals("success", post(Pushes.plain(Pushes.event(user, "VIEW", "https://xiaofa.example.gov.cn/kb/", now() + 3), now(), user)).bodyAsString());
    String report = "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[" + user + "]]></FromUserName><CreateTime>" + (now() + 4)
        + "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>28.7</Latitude><Longitude>113.58</Longitude><Precision>30</Precision></xml>";
    assertEquals("success", post(Pushes.plain(report, now(), user)).bodyAsString());
    assertEquals(1, count("SELECT COUNT(*) AS n FROM wechat_users WHERE open_id = ? AND area IS NOT NULL", user));
  }

  @Test
  @DisplayName("an answer longer than one message becomes a single-article news card linking to its /kb page")
  void newsCard() throws Exception {
    WeChatChannel channel = app.wechat().orElseThrow();
    Reply paged = new Reply("【建筑工程施工许可证核发】\n可以网上办理。\n（内容较长，回复“还有呢”看下一页）", null, 0.9, false,
        List.of(Reply.Cite.entry("XK-001", "建筑工程施工许可证核发")), List.of(), java.util.Set.of(Reply.Action.MORE), null);
    WeChatChannel.Answer a = channel.render(paged);
    WeChatChannel.Answer.News news = (WeChatChannel.Answer.News) a;
    assertEquals("建筑工程施工许可证核发", news.title());
    assertEquals(PUBLIC + "/kb/XK-001", news.url());
    assertTrue(news.description().startsWith("可以网上办理。"));
    Reply single = new Reply("短答案", null, 0.9, false, List.of(Reply.Cite.entry("XK-001", "t")), List.of(), java.util.Set.of(), null);
    assertEquals(new WeChatChannel.Answer.Text("短答案"), channel.render(single));
  }
}
