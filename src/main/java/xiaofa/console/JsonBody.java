package xiaofa.console;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import xiaofa.platform.ApiException;

/**
 * Reading the console's JSON request bodies: a small, explicit body limit, {@code application/json} only, and a 4xx
 * problem in Chinese naming the field for anything missing, unknown or of the wrong type, so an administrator's form
 * or script can say what to fix.
 */
final class JsonBody {
  /** The console's bodies are small forms; 4 KiB is ample. */
  static final long LIMIT = 4 * 1024;

  private final JsonObject json;

  private JsonBody(JsonObject json) {
    this.json = json;
  }

  /** The body handler for a console route that takes a JSON body. */
  static BodyHandler handler() {
    return BodyHandler.create(false).setBodyLimit(LIMIT);
  }

  /** The request's JSON object, allowing only {@code fields}; 415 for another content type, 400 otherwise. */
  static JsonBody of(RoutingContext ctx, Set<String> fields, String example) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.strip().toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "content_type_unsupported", "请以 JSON 提交（请求头 Content-Type: application/json），例如 " + example + "。");
    }
    JsonObject json;
    try {
      json = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    if (json == null) {
      throw ApiException.badRequest("body_invalid", "请求体应为 JSON 对象，例如 " + example + "。");
    }
    for (String name : json.fieldNames()) {
      if (!fields.contains(name)) {
        throw ApiException.badRequest("body_invalid", "不认识的字段 " + name + "，可用的字段：" + String.join("、", fields.stream().sorted().toList()) + "。");
      }
    }
    return new JsonBody(json);
  }

  boolean has(String field) {
    return json.containsKey(field) && json.getValue(field) != null;
  }

  /** A required text field, stripped, 1 to {@code max} characters. */
  String text(String field, String label, int max) {
    return optionalText(field, label, max).orElseThrow(() -> ApiException.badRequest("body_invalid", "缺少必填字段 " + field + "（" + label + "）。"));
  }

  Optional<String> optionalText(String field, String label, int max) {
    if (!has(field)) {
      return Optional.empty();
    }
    if (!(json.getValue(field) instanceof String s)) {
      throw ApiException.badRequest("body_invalid", "字段 " + field + "（" + label + "）应为文字。");
    }
    String v = s.strip();
    if (v.isEmpty()) {
      throw ApiException.badRequest("body_invalid", "字段 " + field + "（" + label + "）不能为空。");
    }
    if (v.codePointCount(0, v.length()) > max) {
      throw ApiException.badRequest("body_invalid", "字段 " + field + "（" + label + "）最多 " + max + " 个字符。");
    }
    return Optional.of(v);
  }

  /** A password exactly as typed (not stripped); required. */
  String secret(String field, String label) {
    if (!has(field) || !(json.getValue(field) instanceof String s) || s.isEmpty()) {
      throw ApiException.badRequest("body_invalid", "缺少必填字段 " + field + "（" + label + "）。");
    }
    if (s.length() > Passwords.MAX_LENGTH * 2) {
      throw ApiException.badRequest("body_invalid", "字段 " + field + "（" + label + "）太长了。");
    }
    return s;
  }

  Optional<Boolean> bool(String field, String label) {
    if (!has(field)) {
      return Optional.empty();
    }
    if (!(json.getValue(field) instanceof Boolean b)) {
      throw ApiException.badRequest("body_invalid", "字段 " + field + "（" + label + "）应为 true 或 false。");
    }
    return Optional.of(b);
  }

  Optional<Integer> integer(String field, String label, int min, int max) {
    if (!has(field)) {
      return Optional.empty();
    }
    Object v = json.getValue(field);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
      throw ApiException.badRequest("body_invalid", "字段 " + field + "（" + label + "）应为 " + min + " 到 " + max + " 之间的整数。");
    }
    return Optional.of(n.intValue());
  }

  /** A list of texts, given as a JSON array (or one text with items separated by {@code |}); empty items dropped. */
  Optional<List<String>> texts(String field, String label) {
    if (!has(field)) {
      return Optional.empty();
    }
    Object v = json.getValue(field);
    List<String> out = new ArrayList<>();
    if (v instanceof String s) {
      for (String part : s.split("\\|")) {
        out.add(part);
      }
    } else if (v instanceof JsonArray a) {
      for (Object o : a) {
        if (!(o instanceof String s)) {
          throw ApiException.badRequest("body_invalid", "字段 " + field + "（" + label + "）应为文字列表，例如 [\"labor\", \"debt\"]。");
        }
        out.add(s);
      }
    } else {
      throw ApiException.badRequest("body_invalid", "字段 " + field + "（" + label + "）应为文字列表，例如 [\"labor\", \"debt\"]。");
    }
    return Optional.of(out.stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
  }
}
