package xiaofa.channel.grid;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import xiaofa.platform.ApiException;

/**
 * The field app's contract, {@code channels/grid/openapi.yaml} on the classpath: the bytes served at {@code
 * /grid/v1/openapi.yaml}, and Vert.x's request validator built from them. A request that breaks the contract fails
 * with a 400 whose Chinese message names the field and what is wrong with it, worded from the contract itself (the
 * field's description, its limits, its allowed values).
 */
final class GridContract {
  static final String RESOURCE = "channels/grid/openapi.yaml";
  static final String VALIDATED = "grid.validated";
  /** Keywords that only point further down; the error worth reporting is below them. */
  private static final Set<String> STRUCTURAL = Set.of("properties", "$ref", "items", "prefixItems", "allOf", "anyOf", "oneOf", "if", "then", "else", "$dynamicRef");
  private static final Set<String> UNKNOWN_FIELD = Set.of("additionalProperties", "unevaluatedProperties");
  private static final Pattern PARAMETER = Pattern.compile("(query|path|header|cookie) parameter (\\S+?)(?:[.\\s]|$)");
  private static final Pattern MISSING_PROPERTY = Pattern.compile("required property \"([^\"]+)\"");

  private final byte[] bytes;
  private final JsonObject document;
  private final OpenAPIContract contract;
  private final RequestValidator validator;
  private final Map<String, Handler<RoutingContext>> handlers = new HashMap<>();

  private GridContract(byte[] bytes, JsonObject document, OpenAPIContract contract, RequestValidator validator) {
    this.bytes = bytes;
    this.document = document;
    this.contract = contract;
    this.validator = validator;
    contract.operations().forEach(op -> handlers.put(op.getOperationId(), handler(op)));
  }

  /** Reads and checks the contract (the file off the event loop, then Vert.x resolves it). */
  static Future<GridContract> load(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      try (InputStream in = GridContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the classpath");
        }
        byte[] b = in.readAllBytes();
        @SuppressWarnings("unchecked")
        Map<String, Object> map = new ObjectMapper(new YAMLFactory()).readValue(b, Map.class);
        return Map.entry(b, new JsonObject(map));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).compose(e -> OpenAPIContract.from(vertx, e.getValue().copy())
        .map(c -> new GridContract(e.getKey(), e.getValue(), c, RequestValidator.create(vertx, c))));
  }

  /** The contract exactly as written. */
  Buffer bytes() {
    return Buffer.buffer(bytes);
  }

  /** Validates the request against {@code operationId}; the validated request is in the context for the next handler. */
  Handler<RoutingContext> validate(String operationId) {
    Handler<RoutingContext> h = handlers.get(operationId);
    if (h == null) {
      throw new IllegalArgumentException("no operation " + operationId + " in " + RESOURCE);
    }
    return h;
  }

  private Handler<RoutingContext> handler(Operation operation) {
    String operationId = operation.getOperationId();
    return ctx -> {
      Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
      RequestUtils.extract(ctx.request(), operation, () -> Future.succeededFuture(body))
          .compose(request -> validator.validate(request, operationId))
          .onSuccess(validated -> {
            ctx.put(VALIDATED, validated);
            ctx.next();
          })
          .onFailure(e -> ctx.fail(problem(operation, e)));
    };
  }

  static ValidatedRequest validated(RoutingContext ctx) {
    return ctx.get(VALIDATED);
  }

  // ---------------------------------------------------------------- errors in Chinese

  /** The 400 (or 415) a validation failure becomes. */
  ApiException problem(Operation operation, Throwable e) {
    if (!(e instanceof ValidatorException v)) {
      return e instanceof ApiException a ? a : new ApiException(400, "body_invalid", "请求不符合接口要求，请对照 /grid/v1/openapi.yaml 检查。");
    }
    String message = String.valueOf(v.getMessage());
    Matcher parameter = PARAMETER.matcher(message);
    if (parameter.find()) {
      return parameterProblem(operation, parameter.group(2), v);
    }
    if (v.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return new ApiException(415, "content_type_unsupported", "请求体应为 JSON，并带上请求头 Content-Type: application/json。");
    }
    if (v.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER && !(v instanceof SchemaValidationException)) {
      return ApiException.badRequest("body_invalid", "请求体不能为空，应为 JSON 对象（字段见 /grid/v1/openapi.yaml）。");
    }
    if (v instanceof SchemaValidationException s && s.getOutputUnit() != null) {
      return ApiException.badRequest("body_invalid", bodyMessage(bodySchema(operation), s.getOutputUnit()));
    }
    return ApiException.badRequest("body_invalid", "请求体不是有效的 JSON，请检查引号、逗号和括号。");
  }

  private ApiException parameterProblem(Operation operation, String name, ValidatorException v) {
    if (name.equals("id")) {
      return ApiException.badRequest("parameter_invalid", "事项编号的格式不对，应为 XF-20261124-0007 这样的编号。");
    }
    JsonObject model = parameterModel(operation, name);
    JsonObject schema = model == null ? new JsonObject() : deref(model.getJsonObject("schema", new JsonObject()), document);
    String label = label(name, model);
    String what;
    if (v.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER && !(v instanceof SchemaValidationException)) {
      what = "缺少参数 " + label.strip() + "。";
    } else if (v instanceof SchemaValidationException s && s.getOutputUnit() != null) {
      OutputUnit leaf = leaf(s.getOutputUnit());
      what = "参数 " + label + reason(leaf == null ? "" : keyword(leaf.getKeywordLocation()), schema);
    } else {
      what = "参数 " + label + "的格式不对。";
    }
    return ApiException.badRequest("parameter_invalid", what);
  }

  private JsonObject parameterModel(Operation operation, String name) {
    JsonArray params = operationModel(operation).getJsonArray("parameters", new JsonArray());
    for (Object p : params) {
      JsonObject model = deref((JsonObject) p, document);
      if (name.equals(model.getString("name"))) {
        return model;
      }
    }
    return null;
  }

  private JsonObject operationModel(Operation operation) {
    JsonObject path = document.getJsonObject("paths").getJsonObject(operation.getOpenAPIPath());
    return path.getJsonObject(operation.getHttpMethod().name().toLowerCase(java.util.Locale.ROOT));
  }

  private JsonObject bodySchema(Operation operation) {
    JsonObject schema = operationModel(operation).getJsonObject("requestBody").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema");
    return deref(schema, document);
  }

  /** A message naming the field and what is wrong with it. */
  private String bodyMessage(JsonObject root, OutputUnit result) {
    OutputUnit leaf = leaf(result);
    if (leaf == null) {
      return "请求体不符合接口要求，请对照 /grid/v1/openapi.yaml 检查。";
    }
    String keyword = keyword(leaf.getKeywordLocation());
    String field = field(leaf.getInstanceLocation());
    JsonObject schema = schemaAt(root, leaf.getAbsoluteKeywordLocation());
    if (keyword.equals("required")) {
      Matcher m = MISSING_PROPERTY.matcher(String.valueOf(leaf.getError()));
      String name = m.find() ? m.group(1) : "";
      JsonObject property = schema.getJsonObject("properties", new JsonObject()).getJsonObject(name);
      String missing = field.isEmpty() ? name : field + "." + name;
      return "缺少必填字段 " + label(missing, property == null ? null : deref(property, document)).strip() + "。";
    }
    if (UNKNOWN_FIELD.contains(keyword)) {
      return "不认识的字段 " + field + "，请检查拼写（可用的字段见 /grid/v1/openapi.yaml）。";
    }
    if (field.isEmpty()) {
      return "请求体应为 JSON 对象（字段见 /grid/v1/openapi.yaml）。";
    }
    return "字段 " + label(field, schema) + reason(keyword, schema);
  }

  /** The most specific error: a leaf keyword, not an echo of a failed property under additionalProperties. */
  private static OutputUnit leaf(OutputUnit result) {
    List<OutputUnit> errors = result.getErrors() == null ? List.of() : result.getErrors();
    List<OutputUnit> leaves = new ArrayList<>();
    for (OutputUnit u : errors) {
      if (!STRUCTURAL.contains(keyword(u.getKeywordLocation()))) {
        leaves.add(u);
      }
    }
    OutputUnit best = null;
    for (OutputUnit u : leaves) {
      if (UNKNOWN_FIELD.contains(keyword(u.getKeywordLocation()))) {
        continue;
      }
      if (best == null || depth(u.getInstanceLocation()) > depth(best.getInstanceLocation())) {
        best = u;
      }
    }
    if (best == null && !leaves.isEmpty()) {
      best = leaves.get(0);
    }
    return best;
  }

  private static String keyword(String location) {
    if (location == null) {
      return "";
    }
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static int depth(String instanceLocation) {
    return instanceLocation == null ? 0 : instanceLocation.split("/").length;
  }

  /** {@code #/attachments/0/url} → {@code attachments[0].url}. */
  private static String field(String instanceLocation) {
    if (instanceLocation == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (String part : instanceLocation.replaceFirst("^#?/?", "").split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(part).append(']');
      } else {
        sb.append(sb.length() == 0 ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return sb.toString();
  }

  /** The schema holding the failed keyword, from its absolute location ({@code app:///#/components/schemas/X/...}). */
  private JsonObject schemaAt(JsonObject root, String absoluteKeywordLocation) {
    if (absoluteKeywordLocation == null || !absoluteKeywordLocation.contains("#")) {
      return new JsonObject();
    }
    String pointer = absoluteKeywordLocation.substring(absoluteKeywordLocation.indexOf('#') + 1);
    String parent = pointer.contains("/") ? pointer.substring(0, pointer.lastIndexOf('/')) : "";
    JsonObject base = parent.startsWith("/components/") ? document : root;
    Object found = parent.isEmpty() ? base : JsonPointer.from(parent).queryJson(base);
    return found instanceof JsonObject o ? deref(o, document) : new JsonObject();
  }

  private static JsonObject deref(JsonObject schema, JsonObject document) {
    JsonObject s = schema;
    for (int i = 0; i < 8 && s != null && s.getValue("$ref") instanceof String ref && ref.startsWith("#/"); i++) {
      Object target = JsonPointer.from(ref.substring(1)).queryJson(document);
      s = target instanceof JsonObject o ? o : null;
    }
    return s == null ? new JsonObject() : s;
  }

  /** {@code name（description）}, or {@code name } followed by a space when the field has no description. */
  private static String label(String name, JsonObject schema) {
    String d = schema == null ? null : schema.getString("description");
    return d == null || d.isBlank() ? name + " " : name + "（" + d.strip().lines().findFirst().orElse("") + "）";
  }

  /** What is wrong, from the failed keyword and the field's schema. */
  private static String reason(String keyword, JsonObject schema) {
    switch (keyword) {
      case "type":
        return "的类型不对，应为" + typeName(schema.getValue("type")) + "。";
      case "maxLength":
        return "太长了，最多 " + schema.getValue("maxLength") + " 个字。";
      case "minLength":
        return Integer.valueOf(1).equals(schema.getInteger("minLength")) ? "不能为空。" : "太短了，至少 " + schema.getValue("minLength") + " 个字。";
      case "pattern":
      case "format":
        return "的格式不对。";
      case "enum":
        return "的取值无效，可选：" + String.join("、", schema.getJsonArray("enum", new JsonArray()).stream().map(String::valueOf).toList()) + "。";
      case "minimum":
      case "maximum":
        return schema.containsKey("minimum") && schema.containsKey("maximum")
            ? "应在 " + schema.getValue("minimum") + " 到 " + schema.getValue("maximum") + " 之间。"
            : keyword.equals("minimum") ? "不能小于 " + schema.getValue("minimum") + "。" : "不能大于 " + schema.getValue("maximum") + "。";
      case "maxItems":
        return "最多 " + schema.getValue("maxItems") + " 项。";
      case "minItems":
        return "至少 " + schema.getValue("minItems") + " 项。";
      default:
        return "不符合接口要求。";
    }
  }

  private static String typeName(Object type) {
    String t = type instanceof JsonArray a && !a.isEmpty() ? String.valueOf(a.getValue(0)) : String.valueOf(type);
    return switch (t) {
      case "string" -> "文字（字符串）";
      case "integer" -> "整数";
      case "number" -> "数字";
      case "boolean" -> " true 或 false";
      case "object" -> " JSON 对象";
      case "array" -> "数组";
      default -> t;
    };
  }
}
