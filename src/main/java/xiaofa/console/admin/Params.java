package xiaofa.console.admin;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import xiaofa.platform.ApiException;

/** Reading the administration routes' parameters and bodies, with a Chinese 400 naming the parameter at fault. */
final class Params {
  private Params() {}

  /** An integer query parameter in [min, max], or {@code fallback} when absent. */
  static int integer(RoutingContext ctx, String name, int fallback, int min, int max) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(name + "_invalid", "参数 " + name + " 应为 " + min + " 到 " + max + " 之间的整数。");
  }

  /** A positive long query parameter (an id cursor), or {@code fallback} when absent. */
  static long id(RoutingContext ctx, String name, long fallback) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(name + "_invalid", "参数 " + name + " 应为正整数（上一页返回的 next）。");
  }

  /** A text query parameter, stripped; null when absent or blank. */
  static String text(RoutingContext ctx, String name, int maxLength) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    v = v.strip();
    if (v.codePointCount(0, v.length()) > maxLength) {
      throw ApiException.badRequest(name + "_invalid", "参数 " + name + " 太长了，不超过 " + maxLength + " 个字符。");
    }
    return v;
  }

  /** The request body as a JSON object, or a 400 showing an example of what is expected. */
  static JsonObject json(RoutingContext ctx, String example) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null) {
        return body;
      }
    } catch (DecodeException | ClassCastException e) {
      // reported below
    }
    throw ApiException.badRequest("body_invalid", "请求体应为 JSON 对象，例如 " + example + "。");
  }

  /** A string field of a JSON body: required or not, stripped, at most {@code max} characters. */
  static String field(JsonObject body, String name, String label, boolean required, int max) {
    Object v = body.getValue(name);
    if (v == null || v instanceof String s && s.isBlank()) {
      if (required) {
        throw ApiException.badRequest("body_invalid", "缺少" + label + "（字段 " + name + "）。");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiException.badRequest("body_invalid", label + "（字段 " + name + "）应为文字。");
    }
    String t = s.strip();
    if (t.codePointCount(0, t.length()) > max) {
      throw ApiException.badRequest("body_invalid", label + "（字段 " + name + "）太长了，不超过 " + max + " 字。");
    }
    return t;
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
