package xiaofa.channel.grid;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.platform.ApiException;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Pii;

/**
 * Authenticates a field-app request after its (limited) body has been read: the four headers, a known app, the HMAC
 * over the raw bytes (compared in constant time), a timestamp within ±300 s of xiaofa's clock, and a nonce no node
 * has seen (claimed in the database). The app is then in the context for the handlers. Refusals are 401 problems
 * telling the app's developer what to fix; secrets and signatures are never logged.
 */
final class GridAuth implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(GridAuth.class);
  static final String APP_KEY = "grid.app";
  static final Duration WINDOW = Duration.ofSeconds(300);
  private static final Pattern APP_FORMAT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern TIMESTAMP_FORMAT = Pattern.compile("[0-9]{1,12}");
  private static final Pattern NONCE_FORMAT = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  private static final Pattern SIGNATURE_FORMAT = Pattern.compile("[0-9a-fA-F]{64}");
  private static final String RECIPE = "签名方法见 /grid/v1/openapi.yaml";

  private final AppConfig.Grid config;
  private final GridStore store;
  private final Clock clock;

  private GridAuth(AppConfig.Grid config, GridStore store, Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
  }

  static GridAuth create(AppConfig.Grid config, GridStore store, Clock clock) {
    return new GridAuth(config, store, clock);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String appId = req.getHeader(Signatures.APP);
    String timestamp = req.getHeader(Signatures.TIMESTAMP);
    String nonce = req.getHeader(Signatures.NONCE);
    String signature = req.getHeader(Signatures.SIGNATURE);
    List<String> missing = new ArrayList<>();
    for (String[] h : new String[][] {{Signatures.APP, appId}, {Signatures.TIMESTAMP, timestamp}, {Signatures.NONCE, nonce}, {Signatures.SIGNATURE, signature}}) {
      if (h[1] == null || h[1].isBlank()) {
        missing.add(h[0]);
      }
    }
    if (!missing.isEmpty()) {
      refuse(ctx, appId, "headers_missing", "缺少请求头 " + String.join("、", missing)
          + "。每个请求都要带上 X-Xiaofa-App、X-Xiaofa-Timestamp、X-Xiaofa-Nonce 和 X-Xiaofa-Signature，" + RECIPE + "。");
      return;
    }
    if (!APP_FORMAT.matcher(appId).matches()) {
      refuse(ctx, null, "headers_invalid", "请求头 X-Xiaofa-App 应为 1 到 64 位字母、数字、_ 或 -。");
      return;
    }
    Optional<AppConfig.Grid.App> app = config.app(appId);
    if (app.isEmpty()) {
      refuse(ctx, appId, "app_unknown", "应用 " + appId + " 没有在小法登记（X-Xiaofa-App）。请联系小法的管理员在 XIAOFA_GRID_APPS 中配置这个应用。");
      return;
    }
    if (!TIMESTAMP_FORMAT.matcher(timestamp).matches()) {
      refuse(ctx, appId, "headers_invalid", "请求头 X-Xiaofa-Timestamp 应为 Unix 时间（秒），例如 " + clock.instant().getEpochSecond() + "。");
      return;
    }
    if (!NONCE_FORMAT.matcher(nonce).matches()) {
      refuse(ctx, appId, "headers_invalid", "请求头 X-Xiaofa-Nonce 应为 16 到 64 位字母、数字、_ 或 -，每个请求都不同（例如 openssl rand -hex 16 的结果）。");
      return;
    }
    if (!SIGNATURE_FORMAT.matcher(signature).matches()) {
      refuse(ctx, appId, "headers_invalid", "请求头 X-Xiaofa-Signature 应为 64 位十六进制（小写）的 HMAC-SHA256 值，" + RECIPE + "。");
      return;
    }
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String expected = Signatures.sign(app.get().secret(), req.method().name(), req.uri(), timestamp, nonce, body);
    if (!Signatures.matches(expected, signature)) {
      refuse(ctx, appId, "signature_invalid", "签名不对。请用应用密钥对“请求方法、路径和查询串（与实际请求完全一致）、时间戳、随机串、请求体的 SHA-256”"
          + "五行文字计算 HMAC-SHA256（小写十六进制），" + RECIPE + "；并确认发送的请求体与签名时的完全相同。");
      return;
    }
    Instant now = clock.instant();
    long skewMillis = Math.abs(now.toEpochMilli() - Long.parseLong(timestamp) * 1000);
    if (skewMillis > WINDOW.toMillis()) {
      refuse(ctx, appId, "timestamp_expired", "请求的时间戳与小法的时间相差超过 5 分钟（小法现在是 " + now.getEpochSecond()
          + "）。请校准手机或服务器的时间，再用新的时间戳和随机串重新签名发送。");
      return;
    }
    store.claimNonce(appId, nonce, now).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (!ar.result()) {
        refuse(ctx, appId, "nonce_replayed", "这个请求已经收到过（X-Xiaofa-Nonce 重复）。每个请求都要用新的随机串重新签名；网络重试时也请生成新的随机串。");
      } else {
        ctx.put(APP_KEY, app.get());
        ctx.next();
      }
    });
  }

  static AppConfig.Grid.App app(RoutingContext ctx) {
    return ctx.get(APP_KEY);
  }

  private static void refuse(RoutingContext ctx, String appId, String code, String message) {
    log.info("grid request refused ({}): {} {} app={}", code, ctx.request().method(), Pii.maskText(ctx.request().path()), appId == null ? "-" : appId);
    ctx.fail(new ApiException(401, code, message));
  }
}
