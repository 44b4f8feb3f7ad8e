package xiaofa.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import xiaofa.channel.grid.GridChannel;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.CaseEvent;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.HandoffService;
import xiaofa.handoff.Outcome;
import xiaofa.handoff.Rating;
import xiaofa.knowledge.Category;
import xiaofa.knowledge.ChineseNumerals;
import xiaofa.knowledge.Citation;
import xiaofa.knowledge.KnowledgeEntry;
import xiaofa.platform.Pii;

/**
 * Cases as the advisors' console shows them: list rows with the first-response countdown, the case page (timeline
 * with each reply's delivery, the resident's conversation with the bot and what it used), labels in Chinese, times
 * in ISO-8601. Personal data (phone and ID numbers in free text, the field app's resident contact) is masked for
 * everyone but the case's own advisor.
 */
final class DeskJson {
  static final Map<String, String> CHANNEL_LABELS = Map.of("web", "网页", "wechat", "微信公众号", GridChannel.CHANNEL, "网格通");
  static final Map<String, String> KIND_LABELS = Map.ofEntries(
      Map.entry(CaseEvent.CREATED, "登记"),
      Map.entry(CaseEvent.RESIDENT_MESSAGE, "居民留言"),
      Map.entry(CaseEvent.BOT_REPLY, "小法回复"),
      Map.entry(CaseEvent.ASSIGNED, "分派"),
      Map.entry(CaseEvent.ADVISOR_REPLY, "顾问回复"),
      Map.entry(CaseEvent.URGENT, "转为紧急"),
      Map.entry(CaseEvent.SLA_BREACHED, "超时升级"),
      Map.entry(CaseEvent.CLOSED, "办结"),
      Map.entry(CaseEvent.RATING_REQUESTED, "请求评价"),
      Map.entry(CaseEvent.RATED, "评价"),
      Map.entry(CaseEvent.FOLLOW_UP, "回访"),
      Map.entry(CaseEvent.DELIVERY_FAILED, "未能送达"),
      Map.entry(CaseEvent.TRANSFERRED, "转办"),
      Map.entry(CaseEvent.NOTE, "内部备注"));
  static final Map<String, String> TURN_OUTCOMES = Map.of(
      "answered", "已答复", "suggested", "给出候选问题", "no_answer", "没有可靠答案", "handoff", "转人工", "case_message", "转给事项",
      "command", "指令", "urgent", "紧急");
  /** What to do when a reply cannot reach the resident. */
  static final String GUIDANCE = "请通过电话或网格员等其他方式联系居民，并把联系结果记在内部备注里。";

  private DeskJson() {}

  /** A list row: the case, its countdown and the latest message, or the case's summary before any (always masked). */
  static JsonObject row(CaseView c, Viewer v, Instant now, DeskReads.LastMessage latest) {
    JsonObject o = summary(c, v, now);
    DeskReads.LastMessage last = latest != null ? latest : new DeskReads.LastMessage(CaseEvent.CREATED, "resident", c.summary(), c.createdAt());
    o.put("lastMessage", new JsonObject()
        .put("kind", last.kind())
        .put("actor", last.actor())
        .put("actorLabel", actorLabel(c, last.actor(), v))
        .put("text", preview(Pii.maskText(last.text())))
        .put("at", time(last.at())));
    return o;
  }

  /** The case's own fields as every view shows them. */
  static JsonObject summary(CaseView c, Viewer v, Instant now) {
    Long secondsLeft = c.status().isOpen() && c.firstResponseAt() == null ? Duration.between(now, c.firstResponseDue()).getSeconds() : null;
    return new JsonObject()
        .put("id", c.id())
        .put("channel", c.channel())
        .put("channelLabel", CHANNEL_LABELS.getOrDefault(c.channel(), c.channel()))
        .put("area", c.area())
        .put("community", c.community())
        .put("category", c.category().id())
        .put("categoryLabel", c.category().label())
        .put("urgent", c.urgent())
        .put("status", c.status().id())
        .put("statusLabel", c.status().label())
        .put("advisor", advisor(c))
        .put("mine", v.owns(c))
        .put("createdAt", time(c.createdAt()))
        .put("updatedAt", time(c.updatedAt()))
        .put("firstResponseDue", time(c.firstResponseDue()))
        .put("firstResponseAt", time(c.firstResponseAt()))
        .put("secondsLeft", secondsLeft)
        .put("overdue", secondsLeft != null && secondsLeft < 0)
        .put("slaBreached", c.slaBreached())
        .put("escalations", c.escalations());
  }

  /** The case page's head: the summary plus what only the page shows. */
  static JsonObject detail(CaseView c, Viewer v, Instant now) {
    return summary(c, v, now)
        .put("summary", v.owns(c) ? c.summary() : Pii.maskText(c.summary()))
        .put("outcome", c.outcome() == null ? null : c.outcome().id())
        .put("outcomeLabel", c.outcome() == null ? null : c.outcome().label())
        .put("closedAt", time(c.closedAt()))
        .put("rating", c.rating())
        .put("ratingLabel", c.rating() == null ? null : Rating.label(c.rating()));
  }

  /** Who the resident is, as far as this viewer may know: the channel, the field app's worker and the resident's contact. */
  static JsonObject resident(CaseView c, Viewer v, Optional<GridChannel.ResidentContact> contact) {
    JsonObject o = new JsonObject().put("channel", c.channel()).put("channelLabel", CHANNEL_LABELS.getOrDefault(c.channel(), c.channel()));
    if (GridChannel.CHANNEL.equals(c.channel())) {
      int slash = c.userRef().indexOf('/');
      o.put("worker", slash < 0 ? c.userRef() : c.userRef().substring(slash + 1));
    }
    contact.ifPresent(rc -> {
      boolean whole = v.owns(c);
      o.put("contact", new JsonObject()
          .put("name", whole ? rc.name() : maskName(rc.name()))
          .put("phone", whole ? rc.phone() : Pii.maskPhone(rc.phone()))
          .put("masked", !whole));
    });
    return o;
  }

  /** The timeline, oldest first; each advisor reply with its delivery state from the outbox. */
  static JsonArray timeline(CaseView c, Viewer v, List<CaseEvent> events, Map<String, DeskReads.Delivery> deliveries) {
    JsonArray out = new JsonArray();
    boolean whole = v.owns(c);
    for (CaseEvent e : events) {
      JsonObject o = new JsonObject()
          .put("id", e.id())
          .put("at", time(e.at()))
          .put("kind", e.kind())
          .put("kindLabel", KIND_LABELS.getOrDefault(e.kind(), e.kind()))
          .put("actor", e.actor())
          .put("actorLabel", actorLabel(c, e.actor(), v))
          .put("text", whole ? e.text() : Pii.maskText(e.text()))
          .put("internal", e.kind().equals(CaseEvent.NOTE));
      if (e.data() != null) {
        o.put("data", e.data().copy());
      }
      if (e.kind().equals(CaseEvent.ADVISOR_REPLY)) {
        String replyId = e.data() == null ? null : e.data().getString("reply");
        o.put("delivery", delivery(c.channel(), replyId == null ? null : deliveries.get("reply:" + replyId)));
      }
      out.add(o);
    }
    return out;
  }

  /** A reply's delivery: {@code pending}, {@code sent}, {@code undeliverable} or {@code failed}, with what to do when it did not arrive. */
  static JsonObject delivery(String channel, DeskReads.Delivery d) {
    if (d == null) {
      return new JsonObject().put("state", "unknown").put("label", "没有找到发送记录");
    }
    return switch (d.status()) {
      case "sent" -> new JsonObject().put("state", "sent").put("label", GridChannel.CHANNEL.equals(channel) ? "已通过网格通转给网格员" : "已送达")
          .put("at", time(d.sentAt()));
      case "pending" -> new JsonObject().put("state", "pending")
          .put("label", d.attempts() == 0 ? "等待发送" : "暂未送达，正在重试（已尝试 " + d.attempts() + " 次）")
          .put("reason", d.lastError());
      case "undeliverable" -> new JsonObject().put("state", "undeliverable").put("label", "未能送达")
          .put("reason", d.lastError()).put("guidance", guidance(channel));
      default -> new JsonObject().put("state", "failed").put("label", "多次发送失败，已停止重试")
          .put("reason", d.lastError()).put("guidance", guidance(channel));
    };
  }

  static String guidance(String channel) {
    return "wechat".equals(channel) ? GUIDANCE + "居民再次给公众号发消息后的 48 小时内，也可以重新回复。" : GUIDANCE;
  }

  /**
   * The resident's turns with the bot: what they wrote, what the bot made of it (outcome, category, confidence,
   * urgency) and, for answered turns, the entry it answered from with the articles that entry cites.
   */
  static JsonArray conversation(CaseView c, Viewer v, List<DeskReads.Turn> turns, java.util.function.Function<String, Optional<KnowledgeEntry>> entries) {
    JsonArray out = new JsonArray();
    boolean whole = v.owns(c);
    for (DeskReads.Turn t : turns) {
      JsonObject o = new JsonObject()
          .put("id", t.id())
          .put("at", time(t.at()))
          .put("text", whole ? t.text() : Pii.maskText(t.text()))
          .put("duringCase", c.id().equals(t.caseId()) || t.at().isAfter(c.createdAt()))
          .put("caseId", t.caseId())
          .put("outcome", t.outcome())
          .put("outcomeLabel", TURN_OUTCOMES.getOrDefault(t.outcome(), t.outcome()))
          .put("category", t.category())
          .put("categoryLabel", t.category() == null ? null : Category.fromId(t.category()).map(Category::label).orElse(t.category()))
          .put("confidence", t.confidence() == null ? null : Math.round(t.confidence() * 1000) / 1000.0)
          .put("urgent", t.urgent())
          .put("score", t.score() == null ? null : Math.round(t.score() * 1000) / 1000.0);
      if (t.entryId() != null) {
        Optional<KnowledgeEntry> entry = entries.apply(t.entryId());
        JsonObject e = new JsonObject().put("id", t.entryId()).put("url", "/kb/" + t.entryId());
        entry.ifPresent(x -> e.put("title", x.title()).put("type", x.type().key()));
        e.put("inIndex", entry.isPresent());
        o.put("entry", e);
        o.put("basis", basis(entry.map(KnowledgeEntry::basis).orElse(List.of()), entries));
      }
      out.add(o);
    }
    return out;
  }

  /** An entry's legal basis, each article with the index entry it points to when the corpus holds it. */
  static JsonArray basis(List<String> lines, java.util.function.Function<String, Optional<KnowledgeEntry>> entries) {
    JsonArray out = new JsonArray();
    for (String line : lines) {
      JsonObject b = new JsonObject().put("text", line.replace("中华人民共和国", ""));
      Citation.parse(line).ifPresent(cite -> {
        boolean inIndex = entries.apply(cite.entryId()).isPresent();
        b.put("law", cite.law()).put("article", cite.article())
            .put("title", "《" + cite.law() + "》第" + ChineseNumerals.format(cite.article()) + "条")
            .put("entryId", inIndex ? cite.entryId() : null)
            .put("url", inIndex ? "/kb/" + cite.entryId() : null);
      });
      out.add(b);
    }
    return out;
  }

  static JsonArray outcomes() {
    JsonArray out = new JsonArray();
    for (Outcome o : Outcome.values()) {
      out.add(new JsonObject().put("id", o.id()).put("label", o.label()).put("status", o.status().id()).put("statusLabel", o.status().label()));
    }
    return out;
  }

  static JsonObject advisorJson(Advisor a) {
    return new JsonObject().put("id", a.id()).put("name", a.name()).put("role", a.role().name().toLowerCase(java.util.Locale.ROOT))
        .put("roleLabel", a.role().label());
  }

  private static JsonObject advisor(CaseView c) {
    if (c.advisorId() == null) {
      return null;
    }
    return new JsonObject()
        .put("id", c.advisorId())
        .put("name", c.advisorName())
        .put("role", c.advisorRole() == null ? null : c.advisorRole().name().toLowerCase(java.util.Locale.ROOT))
        .put("roleLabel", c.advisorRole() == null ? null : c.advisorRole().label());
  }

  static String actorLabel(CaseView c, String actor, Viewer v) {
    if (actor == null) {
      return null;
    }
    return switch (actor) {
      case "resident" -> GridChannel.CHANNEL.equals(c.channel()) ? "网格员" : "居民";
      case "xiaofa" -> "小法";
      case "system" -> "系统";
      case HandoffService.ADMIN -> "管理员";
      default -> v.advisorLabel(actor);
    };
  }

  /** The first character of a name: 王** . */
  static String maskName(String name) {
    if (name == null || name.isBlank()) {
      return name;
    }
    String s = name.strip();
    return s.codePoints().limit(1).collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + "*".repeat(Math.max(1, s.codePointCount(0, s.length()) - 1));
  }

  private static String preview(String text) {
    if (text == null) {
      return null;
    }
    String s = text.replaceAll("\\s+", " ").strip();
    return s.length() <= 80 ? s : s.substring(0, 79) + "…";
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
