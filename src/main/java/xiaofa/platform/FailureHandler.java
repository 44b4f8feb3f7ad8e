package xiaofa.platform;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure path for JSON APIs: {@link ApiException} and {@link HttpException} become a problem body {@code
 * {"status", "error", "message", "requestId"}}; anything else is a 500 logged with the request id, never echoing
 * exception text to the client.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  private FailureHandler() {}

  public static FailureHandler create() {
    return new FailureHandler();
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String code;
    String message;
    if (failure instanceof ApiException e) {
      status = e.status();
      code = e.code();
      message = e.getMessage();
    } else if (failure instanceof HttpException e) {
      status = e.getStatusCode();
      code = codeFor(status);
      message = messageFor(status);
    } else if (failure == null && ctx.statusCode() >= 400) {
      status = ctx.statusCode();
      code = codeFor(status);
      message = messageFor(status);
    } else {
      status = 500;
      code = "internal_error";
      message = messageFor(500);
    }
    String requestId = UUID.randomUUID().toString();
    if (status >= 500) {
      log.error("request {} {} {} failed ({})", requestId, ctx.request().method(), ctx.request().path(), status, failure);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("status", status).put("error", code).put("message", message).put("requestId", requestId).encode());
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal_error" : "error";
    };
  }

  private static String messageFor(int status) {
    return switch (status) {
      case 400 -> "请求格式不正确。";
      case 401 -> "请先登录或提供有效的凭证。";
      case 403 -> "没有权限进行此操作。";
      case 404 -> "找不到请求的内容。";
      case 405 -> "不支持该请求方法。";
      case 413 -> "请求内容过大。";
      case 415 -> "不支持的内容类型。";
      case 503 -> "服务暂时不可用，请稍后再试。";
      default -> status >= 500 ? "服务内部错误，请稍后再试。" : "请求无法处理。";
    };
  }
}
