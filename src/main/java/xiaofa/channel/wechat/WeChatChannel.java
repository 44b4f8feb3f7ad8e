package xiaofa.channel.wechat;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.dialog.DialogService;
import xiaofa.dialog.Inbound;
import xiaofa.dialog.Reply;
import xiaofa.handoff.Areas;
import xiaofa.handoff.HandoffService;
import xiaofa.outbox.ChannelSender;
import xiaofa.outbox.Outbox;
import xiaofa.outbox.OutboxMessage;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * The official account's server URL, {@code /wechat} (protocol reference §3–§7). GET answers WeChat's URL
 * verification; POST takes a push in plaintext, compatibility or secure mode (decided per request by {@code
 * encrypt_type}), checks its signatures in constant time, decrypts it, parses it without DTDs, claims it in the
 * database so that WeChat's retries are handled once, and answers within the passive budget: the answer as a passive
 * reply (encrypted in secure mode) when it is ready in time, else {@code success} and the answer later as a
 * customer-service message through the outbox. Anything forged, malformed or oversized gets a bare 4xx.
 */
public final class WeChatChannel {
  public static final String CHANNEL = "wechat";
  /** The server URL to enter in the official account's console (with the public host in front). */
  public static final String PATH = "/wechat";
  private static final Logger log = LoggerFactory.getLogger(WeChatChannel.class);
  private static final SqlStatements SQL = SqlStatements.load("/sql/wechat.sql");
  static final int MAX_BODY = 64 * 1024;
  /** Pushes are remembered this long (WeChat retries within seconds). */
  static final Duration KEEP_PUSHES = Duration.ofDays(2);
  /** Requests signed further from now than this are refused, so that an old captured push cannot be replayed. */
  static final Duration MAX_SKEW = Duration.ofDays(1);
  private static final long DUPLICATE_POLL_MS = 100;
  private static final String SUCCESS = "success";

  static final String WELCOME = """
      欢迎关注平江高新区公共法律服务助手“小法”！我可以帮您：
      1. 法律咨询：直接说您遇到的事，如“老板拖欠工资怎么办”
      2. 办事指南：如“营业执照要什么材料”“哪些事项可以不见面审批”
      3. 政务公开：如“怎么申请政府信息公开”
      4. 找律师：回复“转人工”，由村居法律顾问、律师或调解员跟进
      也可以点下方菜单。发送位置后，需要转人工时会优先由您所在社区的法律顾问服务。遇到人身危险请立即拨打 110。""";
  static final String VOICE_UNHEARD = "抱歉，这条语音我没能听清。请直接打字告诉我您的问题；需要律师帮忙，请回复“转人工”。";
  static final String MEDIA_NO_CASE = "已收到您发来的%s。小法目前只能看懂文字，请用文字简单说说您的问题；如果需要律师查看材料，请回复“转人工”。";
  static final String MEDIA_TO_CASE = "已收到您发来的%s，已转给负责您事项（%s）的顾问。";
  static final String UNSUPPORTED = "暂时无法处理这类消息。请用文字说说您的问题，或回复“帮助”看我能做什么。";
  static final String FAILED = "抱歉，小法暂时出了点问题，请稍后再试；紧急情况请拨打 110，法律咨询也可拨打 12348。";
  static final String LOCATED = "已记下您的位置（靠近%s）。需要转人工时，会优先由%s的法律顾问为您服务。";
  static final String LOCATED_NOWHERE = "已收到您的位置。";
  static final String SCANNED = "已为您登记所在网格：%s。需要转人工时，会优先由%s的法律顾问为您服务。";

  /** What a push is answered with. */
  sealed interface Answer {
    /** Nothing shown to the resident. */
    record None() implements Answer {}

    record Text(String content) implements Answer {}

    /** A single-article news card. */
    record News(String title, String description, String url) implements Answer {}

    Answer NONE = new None();
  }

  private final Vertx vertx;
  private final AppConfig.WeChat config;
  private final DialogService dialog;
  private final HandoffService handoff;
  private final Outbox outbox;
  private final Pool pool;
  private final Clock clock;
  private final WeChatMenu menu;
  private final Areas areas;
  private final WxCrypto crypto;
  private final WeChatSender sender;
  private final MeterRegistry metrics;
  private final Timer latency;
  private final AsyncCache<String, Optional<String>> areaHints;
  private long purgeTimer = -1;

  public WeChatChannel(
      Vertx vertx, AppConfig.WeChat config, DialogService dialog, HandoffService handoff, Outbox outbox, Pool pool, Clock clock, WeChatApi api,
      WeChatMenu menu, MeterRegistry metrics) {
    this.vertx = vertx;
    this.config = config;
    this.dialog = dialog;
    this.handoff = handoff;
    this.outbox = outbox;
    this.pool = pool;
    this.clock = clock;
    this.menu = menu;
    this.areas = handoff.areas();
    this.crypto = config.aesKey().isEmpty() ? null : new WxCrypto(config.aesKey(), config.previousAesKey(), config.appId());
    this.sender = new WeChatSender(api);
    this.metrics = metrics;
    this.latency = Timer.builder("xiaofa.wechat.push.latency").publishPercentiles(0.5, 0.99).register(metrics);
    this.areaHints = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(10)).maximumSize(100_000).buildAsync();
  }

  /** The outbox sender for this channel's later messages. */
  public ChannelSender sender() {
    return sender;
  }

  /** Forgets pushes older than {@link #KEEP_PUSHES}, hourly. */
  public void start() {
    purgeTimer = vertx.setPeriodic(1000, Duration.ofHours(1).toMillis(), id -> Database.execute(pool, SQL.get("push_purge"), Tuple.of(SqlTime.param(clock.instant().minus(KEEP_PUSHES))))
        .onSuccess(r -> {
          if (r.rowCount() > 0) {
            log.info("forgot {} WeChat pushes older than {} days", r.rowCount(), KEEP_PUSHES.toDays());
          }
        }));
  }

  public void stop() {
    if (purgeTimer >= 0) {
      vertx.cancelTimer(purgeTimer);
    }
  }

  /** The server URL's routes: {@code GET /wechat} and {@code POST /wechat}; mount at the root. */
  public Router router(Vertx v) {
    Router r = Router.router(v);
    r.get(PATH).handler(this::verify);
    r.post(PATH).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::push);
    // forged, malformed or oversized: a bare status, nothing a prober could learn from
    r.route(PATH).failureHandler(ctx -> {
      int status = ctx.statusCode() >= 400 && ctx.statusCode() < 600 ? ctx.statusCode() : 500;
      if (status == 500) {
        log.error("WeChat push failed", ctx.failure());
      }
      if (!ctx.response().ended()) {
        ctx.response().setStatusCode(status).end();
      }
    });
    return r;
  }

  // ---------------------------------------------------------------- URL verification

  private void verify(RoutingContext ctx) {
    MultiMap q = ctx.request().params();
    String echostr = q.get("echostr");
    if (!signed(q, ctx) || echostr == null || echostr.isEmpty() || echostr.length() > 128) {
      refuse(ctx, 403, "URL verification with a wrong signature or without echostr");
      return;
    }
    log.info("WeChat URL verification passed");
    ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(echostr);
  }

  /** Checks {@code signature} over token, timestamp and nonce, and that the timestamp is recent. */
  private boolean signed(MultiMap q, RoutingContext ctx) {
    String signature = q.get("signature");
    String timestamp = q.get("timestamp");
    String nonce = q.get("nonce");
    if (signature == null || timestamp == null || nonce == null || timestamp.length() > 20 || nonce.length() > 64 || signature.length() > 64) {
      return false;
    }
    if (!WxCrypto.sameSignature(WxCrypto.signature(config.token(), timestamp, nonce), signature)) {
      return false;
    }
    try {
      Instant at = Instant.ofEpochSecond(Long.parseLong(timestamp));
      if (Duration.between(at, clock.instant()).abs().compareTo(MAX_SKEW) > 0) {
        log.warn("refused a correctly signed WeChat request whose timestamp {} is more than a day from this server's clock {}: a replay, or check the clock",
            at, clock.instant());
        return false;
      }
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return false;
    }
    return true;
  }

  private void refuse(RoutingContext ctx, int status, String why) {
    log.warn("refused a WeChat request from {}: {}", ctx.request().remoteAddress(), why);
    metrics.counter("xiaofa.wechat.pushes", "type", "-", "result", "refused").increment();
    ctx.response().setStatusCode(status).end();
  }

  // ---------------------------------------------------------------- pushes

  /** How a push was received: its message, and the key to encrypt the reply with (null in plaintext mode). */
  private record Received(WxMessage message, WxCrypto.Key key) {}

  private void push(RoutingContext ctx) {
    long t0 = System.nanoTime();
    MultiMap q = ctx.request().params();
    if (!signed(q, ctx)) {
      refuse(ctx, 403, "wrong signature");
      return;
    }
    Received in;
    try {
      in = receive(q, ctx.body().asString("UTF-8"));
    } catch (WxCrypto.CryptoException e) {
      refuse(ctx, 403, e.getMessage());
      return;
    } catch (WxXml.XmlException e) {
      refuse(ctx, 400, e.getMessage());
      return;
    }
    WxMessage m = in.message();
    String type = m.event().isEmpty() ? m.msgType() : "event:" + m.event();
    Future<String> reply = needsDedupe(m) ? once(m) : handle(m).map(a -> xml(a, m));
    reply.onComplete(ar -> {
      String body = ar.succeeded() && ar.result() != null ? ar.result() : SUCCESS;
      if (ar.failed()) {
        log.error("WeChat push {} from {} failed", m.dedupeKey(), mask(m.fromUser()), ar.cause());
      }
      if (!body.equals(SUCCESS) && in.key() != null) {
        body = envelope(body, in.key());
      }
      ctx.response().putHeader("Content-Type", body.equals(SUCCESS) ? "text/plain; charset=utf-8" : "application/xml; charset=utf-8").end(body);
      latency.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      metrics.counter("xiaofa.wechat.pushes", "type", type, "result", body.equals(SUCCESS) ? "success" : "passive").increment();
    });
  }

  /** Checks the secure-mode envelope when there is one and parses the message. */
  private Received receive(MultiMap q, String body) throws WxCrypto.CryptoException, WxXml.XmlException {
    if (body == null || body.isBlank()) {
      throw new WxXml.XmlException("empty body");
    }
    String mode = q.get("encrypt_type");
    if (mode == null || mode.isEmpty() || mode.equals("raw")) {
      return new Received(WxMessage.of(WxXml.parse(body)), null);
    }
    if (!mode.equals("aes")) {
      throw new WxXml.XmlException("unknown encrypt_type " + mode);
    }
    if (crypto == null) {
      log.error("WeChat sent a secure-mode push but XIAOFA_WECHAT_AES_KEY is not set: set it to the console's EncodingAESKey");
      throw new WxCrypto.CryptoException("secure mode without an EncodingAESKey");
    }
    String encrypt = WxXml.parse(body).get("Encrypt");
    if (encrypt == null || encrypt.isBlank()) {
      throw new WxXml.XmlException("secure-mode push without Encrypt");
    }
    String expected = WxCrypto.signature(config.token(), q.get("timestamp"), q.get("nonce"), encrypt);
    if (!WxCrypto.sameSignature(expected, q.get("msg_signature"))) {
      throw new WxCrypto.CryptoException("wrong msg_signature");
    }
    WxCrypto.Opened opened = crypto.decrypt(encrypt);
    return new Received(WxMessage.of(WxXml.parse(opened.xml())), opened.key());
  }

  /** Periodic location reports, link opens and delivery reports change nothing twice: they need no dedupe. */
  private static boolean needsDedupe(WxMessage m) {
    return switch (m.event()) {
      case "LOCATION", "VIEW", "TEMPLATESENDJOBFINISH", "unsubscribe" -> false;
      default -> true;
    };
  }

  /**
   * Handles a push once across retries and nodes. The first delivery claims its key and answers; a retry waits (within
   * its own budget) for the first delivery's passive reply and repeats it, or answers {@code success} when the
   * answer goes out later as a customer-service message.
   */
  private Future<String> once(WxMessage m) {
    String key = m.dedupeKey();
    return Database.execute(pool, SQL.get("push_claim"), Tuple.of(key, m.fromUser(), SqlTime.param(clock.instant())))
        .compose(claimed -> {
          if (claimed.rowCount() == 1) {
            return answerInTime(m, key);
          }
          metrics.counter("xiaofa.wechat.duplicates").increment();
          log.info("WeChat delivered push {} again; answering with the first delivery's reply", key);
          return firstReply(key, System.nanoTime() + config.passiveBudget().toNanos());
        });
  }

  private Future<String> firstReply(String key, long deadline) {
    return Database.execute(pool, SQL.get("push_find"), Tuple.of(key)).compose(rows -> {
      Row r = rows.iterator().hasNext() ? rows.iterator().next() : null;
      if (r != null && r.getString("state").equals("passive")) {
        return Future.succeededFuture(r.getString("reply"));
      }
      if (r == null || r.getString("state").equals("async") || System.nanoTime() + DUPLICATE_POLL_MS * 1_000_000 > deadline) {
        return Future.succeededFuture((String) null);
      }
      Promise<Void> wait = Promise.promise();
      vertx.setTimer(DUPLICATE_POLL_MS, id -> wait.complete());
      return wait.future().compose(v -> firstReply(key, deadline));
    });
  }

  /**
   * The passive reply when the answer is ready within the budget; otherwise {@code null} (answer {@code success})
   * and the answer goes out through the outbox when it is ready.
   */
  private Future<String> answerInTime(WxMessage m, String key) {
    Future<Answer> answer = handle(m);
    long budget = config.passiveBudget().toMillis();
    Promise<String> out = Promise.promise();
    AtomicBoolean decided = new AtomicBoolean();
    Runnable late = () -> Database.execute(pool, SQL.get("push_async"), Tuple.of(key))
        .onComplete(marked -> {
          out.complete(null);
          answer.onComplete(ar -> sendLate(m, key, ar));
        });
    if (budget == 0) {
      decided.set(true);
      late.run();
      return out.future();
    }
    long timer = vertx.setTimer(budget, id -> {
      if (decided.compareAndSet(false, true)) {
        log.info("the answer to WeChat push {} took more than {} ms; it goes out as a customer-service message", key, budget);
        late.run();
      }
    });
    answer.onComplete(ar -> {
      if (decided.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        String xml = xml(ar.succeeded() ? ar.result() : new Answer.Text(FAILED), m);
        if (ar.failed()) {
          log.error("answering WeChat push {} failed", key, ar.cause());
        }
        Database.execute(pool, SQL.get("push_passive"), Tuple.of(xml, key))
            .onComplete(stored -> out.complete(xml));
      }
    });
    return out.future();
  }

  /** A late answer, as a customer-service message through the outbox (at most one per push: the key dedupes). */
  private void sendLate(WxMessage m, String key, AsyncResult<Answer> ar) {
    Answer a = ar.succeeded() ? ar.result() : new Answer.Text(FAILED);
    if (ar.failed()) {
      log.error("answering WeChat push {} failed", key, ar.cause());
    }
    JsonObject payload;
    if (a instanceof Answer.Text t) {
      payload = new JsonObject().put("text", t.content());
    } else if (a instanceof Answer.News n) {
      payload = new JsonObject().put("text", n.title() + "\n" + n.url())
          .put("news", new JsonObject().put("title", n.title()).put("description", n.description()).put("url", n.url()));
    } else {
      return;
    }
    pool.withTransaction(tx -> outbox.enqueue(tx, OutboxMessage.of(CHANNEL, m.fromUser(), "late_answer", null, payload, "wechat:" + key)))
        .onSuccess(v -> outbox.poke())
        .onFailure(e -> log.error("could not queue the late answer to WeChat push {}", key, e));
  }

  // ---------------------------------------------------------------- what each push means

  private Future<Answer> handle(WxMessage m) {
    String user = m.fromUser();
    switch (m.msgType()) {
      case "text":
        return ask(user, m.get("Content"));
      case "voice": {
        String heard = m.get("Recognition").strip();
        return heard.isEmpty() ? Future.succeededFuture(new Answer.Text(VOICE_UNHEARD)) : ask(user, heard);
      }
      case "location":
        return locate(user, m).map(area -> area
            .<Answer>map(a -> new Answer.Text(String.format(LOCATED, a.community() + a.gridName(), a.community())))
            .orElse(new Answer.Text(LOCATED_NOWHERE)));
      case "image":
        return media(user, "图片", "[图片] " + m.get("PicUrl"));
      case "video", "shortvideo":
        return media(user, "视频", "[视频，媒体编号 " + m.get("MediaId") + "]");
      case "link":
        return media(user, "链接", "[链接] " + m.get("Title") + " " + m.get("Url"));
      case "file":
        return media(user, "文件", "[文件] " + m.get("Title"));
      case "event":
        return event(m);
      default:
        return Future.succeededFuture(new Answer.Text(UNSUPPORTED));
    }
  }

  private Future<Answer> event(WxMessage m) {
    String user = m.fromUser();
    String key = m.get("EventKey").strip();
    switch (m.event()) {
      case "subscribe": {
        Optional<Areas.Area> scene = areas.byCode(key.startsWith("qrscene_") ? key.substring("qrscene_".length()) : "");
        Future<Void> f = scene.map(a -> remember(user, a.gridCode(), null, null)).orElse(Future.succeededFuture());
        return f.map(v -> new Answer.Text(WELCOME));
      }
      case "SCAN": {
        Optional<Areas.Area> scene = areas.byCode(key);
        return scene.isEmpty() ? Future.succeededFuture(Answer.NONE)
            : remember(user, scene.get().gridCode(), null, null)
                .map(v -> new Answer.Text(String.format(SCANNED, scene.get().community() + scene.get().gridName(), scene.get().community())));
      }
      case "unsubscribe":
        areaHints.synchronous().invalidate(user);
        return Database.execute(pool, SQL.get("user_forget"), Tuple.of(user)).map(r -> Answer.NONE);
      case "LOCATION":
        return locate(user, m).map(a -> Answer.NONE);
      case "CLICK": {
        Optional<String> say = menu.say(key);
        if (say.isEmpty()) {
          log.warn("a WeChat menu click with the unknown key {}: publish channels/wechat/menu.json again", key);
          return ask(user, "帮助");
        }
        return ask(user, say.get());
      }
      default:
        return Future.succeededFuture(Answer.NONE);
    }
  }

  /** A turn of the dialog, with the resident's area hint, rendered for WeChat. */
  private Future<Answer> ask(String user, String text) {
    return areaOf(user).compose(area -> {
      Map<String, String> meta = area.map(a -> Map.of("area", a)).orElse(Map.of());
      return dialog.handle(new Inbound(CHANNEL, user, text, Optional.empty(), meta));
    }).map(this::render);
  }

  /** Text, or a news card linking to the whole entry when the answer runs over one message and links can be made. */
  Answer render(Reply r) {
    if (config.publicUrl().isPresent() && r.actions().contains(Reply.Action.MORE) && !r.citations().isEmpty() && r.citations().get(0).id() != null) {
      Reply.Cite entry = r.citations().get(0);
      String first = r.text().lines().filter(l -> !l.isBlank() && !l.startsWith("【")).findFirst().orElse("");
      String description = (first.length() > 80 ? first.substring(0, 80) + "…" : first) + "\n点开看全文、办理方式和法律依据。";
      return new Answer.News(entry.title(), description, kbUrl(config.publicUrl().get(), entry.id()));
    }
    return new Answer.Text(r.text());
  }

  static String kbUrl(URI base, String id) {
    return base + "/kb/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Media the bot cannot read: to the open case's advisor when there is one, else an offer to hand off. */
  private Future<Answer> media(String user, String what, String note) {
    return handoff.openCaseOf(CHANNEL, user).compose(open -> {
      if (open.isEmpty()) {
        return Future.succeededFuture(new Answer.Text(String.format(MEDIA_NO_CASE, what)));
      }
      return handoff.residentMessage(open.get().id(), note, false).map(c -> new Answer.Text(String.format(MEDIA_TO_CASE, what, c.id())));
    });
  }

  // ---------------------------------------------------------------- the area hint

  private Future<Optional<Areas.Area>> locate(String user, WxMessage m) {
    Optional<double[]> pos = m.position();
    if (pos.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    Optional<Areas.Area> area = areas.nearest(pos.get()[0], pos.get()[1]);
    return remember(user, area.map(Areas.Area::gridCode).orElse(null), pos.get()[0], pos.get()[1]).map(area);
  }

  private Future<Void> remember(String user, String grid, Double lat, Double lon) {
    areaHints.synchronous().invalidate(user);
    Tuple t = Tuple.of(grid, lat, lon, SqlTime.param(clock.instant()), user);
    return pool.withTransaction(tx -> tx.preparedQuery(SQL.get("user_update")).execute(t)
        .compose(r -> r.rowCount() > 0 ? Future.succeededFuture(r) : tx.preparedQuery(SQL.get("user_insert")).execute(t))).mapEmpty();
  }

  private Future<Optional<String>> areaOf(String user) {
    return Future.fromCompletionStage(areaHints.get(user, (k, executor) -> Database.execute(pool, SQL.get("user_area"), Tuple.of(k))
        .map(WeChatChannel::firstArea).toCompletionStage().toCompletableFuture()), vertx.getOrCreateContext());
  }

  private static Optional<String> firstArea(RowSet<Row> rows) {
    return rows.iterator().hasNext() ? Optional.ofNullable(rows.iterator().next().getString("area")) : Optional.empty();
  }

  // ---------------------------------------------------------------- replies

  /** The passive reply XML for {@code a}, or null for nothing. */
  private String xml(Answer a, WxMessage m) {
    if (a instanceof Answer.None) {
      return null;
    }
    StringBuilder sb = new StringBuilder(512).append("<xml>");
    WxXml.cdata(sb, "ToUserName", m.fromUser());
    WxXml.cdata(sb, "FromUserName", m.toUser());
    WxXml.number(sb, "CreateTime", clock.instant().getEpochSecond());
    if (a instanceof Answer.Text t) {
      WxXml.cdata(sb, "MsgType", "text");
      WxXml.cdata(sb, "Content", t.content());
    } else if (a instanceof Answer.News n) {
      WxXml.cdata(sb, "MsgType", "news");
      WxXml.number(sb, "ArticleCount", 1);
      sb.append("<Articles><item>");
      WxXml.cdata(sb, "Title", n.title());
      WxXml.cdata(sb, "Description", n.description());
      WxXml.cdata(sb, "PicUrl", "");
      WxXml.cdata(sb, "Url", n.url());
      sb.append("</item></Articles>");
    }
    return sb.append("</xml>").toString();
  }

  /** The secure-mode wrapper of a reply, encrypted with the key that opened the push. */
  private String envelope(String xml, WxCrypto.Key key) {
    String encrypt = crypto.encrypt(xml, key);
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    String nonce = WxCrypto.nonce();
    StringBuilder sb = new StringBuilder(xml.length() * 2).append("<xml>");
    WxXml.cdata(sb, "Encrypt", encrypt);
    WxXml.cdata(sb, "MsgSignature", WxCrypto.signature(config.token(), timestamp, nonce, encrypt));
    sb.append("<TimeStamp>").append(timestamp).append("</TimeStamp>");
    WxXml.cdata(sb, "Nonce", nonce);
    return sb.append("</xml>").toString();
  }

  /** An OpenID as logs show it: enough to tell residents apart, not to address them. */
  static String mask(String openId) {
    if (openId == null || openId.length() < 10) {
      return "***";
    }
    return openId.substring(0, 4) + "…" + openId.substring(openId.length() - 4);
  }
}
