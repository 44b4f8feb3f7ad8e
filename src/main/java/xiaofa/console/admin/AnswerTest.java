package xiaofa.console.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import xiaofa.dialog.DialogService;
import xiaofa.dialog.Reply;
import xiaofa.dialog.UrgencyDetector;
import xiaofa.knowledge.KnowledgeService;
import xiaofa.knowledge.SearchHit;
import xiaofa.knowledge.SearchRequest;
import xiaofa.knowledge.SearchResult;
import xiaofa.platform.ApiException;

/**
 * "What would xiaofa answer": the reply a resident would get to a question, and why — the hits with their fused,
 * keyword and vector scores, the thresholds, the category and its confidence, urgency, dispute and the decision.
 * Uses {@link DialogService#preview}, so nothing is logged and no case is opened.
 */
final class AnswerTest {
  private static final int MAX_QUERY = 200;
  private static final int COMPONENT_HITS = 50;
  private static final Map<UrgencyDetector.Kind, String> KINDS = Map.of(
      UrgencyDetector.Kind.SELF_HARM, "自伤轻生",
      UrgencyDetector.Kind.VIOLENCE, "暴力威胁",
      UrgencyDetector.Kind.DOMESTIC_VIOLENCE, "家暴",
      UrgencyDetector.Kind.PERSON_AT_RISK, "儿童或老人处于危险",
      UrgencyDetector.Kind.FRAUD_IN_PROGRESS, "正在被骗",
      UrgencyDetector.Kind.CROWD, "群体性纠纷",
      UrgencyDetector.Kind.DETAINED, "有人被抓被拘",
      UrgencyDetector.Kind.DEADLINE, "诉讼或仲裁期限将过");
  private static final Map<DialogService.Decision, String> DECISIONS = Map.of(
      DialogService.Decision.ANSWER, "直接回答",
      DialogService.Decision.SUGGEST, "列出相关条目请居民选择",
      DialogService.Decision.HANDOFF, "转人工（登记事项）",
      DialogService.Decision.NO_ANSWER, "暂无答案（建议转人工）",
      DialogService.Decision.URGENT, "紧急：安全提示并登记紧急事项",
      DialogService.Decision.COMMAND, "指令");
  private static final Map<String, String> TYPES = Map.of("power", "办事指南", "disclosure", "政务公开", "publicity", "普法问答", "law", "法律条文");

  private final DialogService dialog;
  private final KnowledgeService knowledge;

  AnswerTest(DialogService dialog, KnowledgeService knowledge) {
    this.dialog = dialog;
    this.knowledge = knowledge;
  }

  Future<JsonObject> answer(RoutingContext ctx) {
    String q = ctx.request().getParam("q");
    if (q == null || q.isBlank()) {
      throw ApiException.badRequest("query_missing", "请输入要测试的问题（参数 q）。");
    }
    if (q.codePointCount(0, q.length()) > MAX_QUERY) {
      throw ApiException.badRequest("query_too_long", "问题太长了，请控制在 " + MAX_QUERY + " 字以内（参数 q）。");
    }
    return dialog.preview(q).compose(p -> {
      if (p.understanding() == null) {
        return Future.succeededFuture(json(q, p, Map.of(), Map.of()));
      }
      Future<Map<String, Double>> keyword = component(p.normalised(), SearchRequest.Mode.KEYWORD);
      Future<Map<String, Double>> vector = knowledge.embedder().isPresent() ? component(p.normalised(), SearchRequest.Mode.VECTOR) : Future.succeededFuture(Map.of());
      return Future.all(keyword, vector).map(x -> json(q, p, keyword.result(), vector.result()));
    });
  }

  /** The scores of one half of the hybrid search alone, by entry id. */
  private Future<Map<String, Double>> component(String query, SearchRequest.Mode mode) {
    String text = query.codePointCount(0, query.length()) > SearchRequest.MAX_QUERY_LENGTH
        ? query.substring(0, query.offsetByCodePoints(0, SearchRequest.MAX_QUERY_LENGTH))
        : query;
    return knowledge.search(new SearchRequest(text, COMPONENT_HITS, Optional.empty(), mode, false)).map(AnswerTest::scores);
  }

  private static Map<String, Double> scores(SearchResult r) {
    Map<String, Double> out = new HashMap<>();
    r.hits().forEach(h -> out.put(h.id(), h.score()));
    return out;
  }

  private JsonObject json(String q, DialogService.Preview p, Map<String, Double> keyword, Map<String, Double> vector) {
    Reply r = p.reply();
    JsonObject out = new JsonObject()
        .put("query", q)
        .put("normalised", p.normalised())
        .put("decision", p.decision().name().toLowerCase(Locale.ROOT))
        .put("decisionLabel", DECISIONS.get(p.decision()))
        .put("why", why(p))
        .put("reply", r.text())
        .put("pages", p.pages())
        .put("citations", new JsonArray(r.citations().stream().map(JsonObject::mapFrom).toList()))
        .put("suggestions", new JsonArray(r.suggestions().stream().map(s -> new JsonObject().put("n", s.n()).put("id", s.id()).put("title", s.title())).toList()))
        .put("actions", new JsonArray(r.actions().stream().map(Reply.Action::id).sorted().toList()))
        .put("thresholds", new JsonObject()
            .put("answer", DialogService.ANSWER)
            .put("suggest", SearchHit.ON_TOPIC)
            .put("handoffConfidence", DialogService.HANDOFF_CONFIDENCE));
    DialogService.Understanding u = p.understanding();
    if (u == null) {
      return out.put("hits", new JsonArray());
    }
    out.put("category", u.category().id())
        .put("categoryLabel", u.category().label())
        .put("confidence", round(u.confidence()))
        .put("urgent", u.urgency().urgent())
        .put("urgentKinds", new JsonArray(u.urgency().kinds().stream().sorted()
            .map(k -> new JsonObject().put("kind", k.name()).put("label", KINDS.getOrDefault(k, k.name()))).toList()))
        .put("dispute", u.dispute());
    JsonArray hits = new JsonArray();
    for (SearchHit h : u.hits()) {
      hits.add(new JsonObject()
          .put("id", h.id())
          .put("type", h.type())
          .put("typeLabel", TYPES.getOrDefault(h.type(), h.type()))
          .put("title", h.title())
          .put("score", h.score())
          .put("keyword", keyword.get(h.id()))
          .put("vector", knowledge.embedder().isPresent() ? vector.get(h.id()) : null)
          .put("onTopic", h.score() >= SearchHit.ON_TOPIC)
          .put("law", h.law())
          .put("article", h.article()));
    }
    return out.put("hits", hits).put("scoring", knowledge.embedder().isPresent()
        ? "score = 0.7 × vector + 0.3 × keyword（法律条文另乘 0.85，让写给居民的条目排在条文前面）；keyword、vector 为空表示不在该路检索的前 " + COMPONENT_HITS + " 名"
        : "未启用语义检索：score 即关键词得分");
  }

  /** The decision in a sentence, with the numbers that made it. */
  private static String why(DialogService.Preview p) {
    DialogService.Understanding u = p.understanding();
    if (u == null) {
      return "这是一条指令（如转人工、查询进度、评价、选择序号、问候），不检索知识库。";
    }
    String top = u.hits().isEmpty() ? "没有检索到任何条目" : "最高分 " + fmt(u.hits().get(0).score()) + "（" + u.hits().get(0).title() + "）";
    String category = "分类“" + u.category().label() + "”置信度 " + fmt(u.confidence());
    return switch (p.decision()) {
      case URGENT -> "识别为紧急情况（" + String.join("、", u.urgency().kinds().stream().sorted().map(k -> KINDS.getOrDefault(k, k.name())).toList())
          + "）：先给安全提示并登记紧急事项，不按检索结果回答。";
      case ANSWER -> top + " ≥ " + DialogService.ANSWER + "（直接回答线），用这一条回答。";
      case SUGGEST -> top + " 在 " + SearchHit.ON_TOPIC + "（相关线）与 " + DialogService.ANSWER + " 之间，列出相关条目请居民选择。";
      case HANDOFF -> top + "，低于 " + SearchHit.ON_TOPIC + "；" + (u.dispute() ? "问题像是一起纠纷" : category + " ≥ " + DialogService.HANDOFF_CONFIDENCE)
          + "，转给法律顾问。";
      case NO_ANSWER -> top + "，低于 " + SearchHit.ON_TOPIC + "；不像纠纷，" + category + " < " + DialogService.HANDOFF_CONFIDENCE
          + "，回复暂无答案并建议转人工。可以把这个问法加为新条目。";
      case COMMAND -> "这是一条指令，不检索知识库。";
    };
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }
}
