package xiaofa.channel.wechat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.outbox.ChannelSender;
import xiaofa.outbox.OutboxMessage;

/**
 * Delivers the outbox's WeChat messages (advisors' replies, rating requests, late answers) as customer-service
 * messages. Refusals that will not change by retrying (outside the 48-hour window, the interaction's quota used up,
 * not following, an unknown OpenID) make the message undeliverable at once, with a reason the case's advisor reads;
 * anything else is retried by the outbox with backoff.
 */
final class WeChatSender implements ChannelSender {
  private static final Logger log = LoggerFactory.getLogger(WeChatSender.class);
  /** A text message above this many bytes of UTF-8 goes out in parts. */
  static final int MAX_TEXT_BYTES = 2000;

  /** The permanent refusals and what the advisor is told. */
  static final Map<Integer, String> PERMANENT = Map.of(
      45015, "居民超过 48 小时未与公众号互动，微信不允许再向其发送客服消息",
      45047, "本次互动后可发送的客服消息已达微信上限",
      43004, "居民已取消关注公众号",
      40003, "居民的微信标识无效");

  private final WeChatApi api;

  WeChatSender(WeChatApi api) {
    this.api = api;
  }

  @Override
  public String channel() {
    return WeChatChannel.CHANNEL;
  }

  @Override
  public Future<Delivery> send(OutboxMessage m) {
    List<JsonObject> messages = messages(m);
    Future<Void> f = Future.succeededFuture();
    for (JsonObject msg : messages) {
      f = f.compose(v -> api.sendCustomMessage(msg).mapEmpty());
    }
    return f.map(v -> Delivery.sent()).recover(e -> {
      if (e instanceof WeChatApi.ApiError err && PERMANENT.containsKey(err.errcode())) {
        log.info("WeChat message {} ({}) to {} is undeliverable: {}", m.id(), m.kind(), WeChatChannel.mask(m.recipient()), err.getMessage());
        return Future.succeededFuture(Delivery.undeliverable(PERMANENT.get(err.errcode())));
      }
      return Future.succeededFuture(Delivery.retry(e.getMessage()));
    });
  }

  /** The API messages for one outbox message: a news card, or the text in as many parts as it needs. */
  static List<JsonObject> messages(OutboxMessage m) {
    JsonObject news = m.payload().getJsonObject("news");
    if (news != null) {
      JsonObject article = new JsonObject().put("title", news.getString("title")).put("description", news.getString("description", ""))
          .put("url", news.getString("url"));
      if (news.getString("picurl") != null) {
        article.put("picurl", news.getString("picurl"));
      }
      return List.of(new JsonObject().put("touser", m.recipient()).put("msgtype", "news")
          .put("news", new JsonObject().put("articles", new JsonArray().add(article))));
    }
    List<JsonObject> out = new ArrayList<>();
    for (String part : parts(m.text())) {
      out.add(new JsonObject().put("touser", m.recipient()).put("msgtype", "text").put("text", new JsonObject().put("content", part)));
    }
    return out;
  }

  /** Splits text above {@link #MAX_TEXT_BYTES} at line ends where it can. */
  static List<String> parts(String text) {
    List<String> parts = new ArrayList<>();
    String rest = text;
    while (rest.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
      int bytes = 0;
      int i = 0;
      while (i < rest.length()) {
        int cp = rest.codePointAt(i);
        int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (bytes + n > MAX_TEXT_BYTES) {
          break;
        }
        bytes += n;
        i += Character.charCount(cp);
      }
      int nl = rest.lastIndexOf('\n', i);
      int cut = nl > i / 2 ? nl : i;
      parts.add(rest.substring(0, cut).stripTrailing());
      rest = rest.substring(cut).strip();
    }
    parts.add(rest);
    return parts;
  }
}
