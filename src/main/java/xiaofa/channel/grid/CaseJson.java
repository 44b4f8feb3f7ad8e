package xiaofa.channel.grid;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.CaseEvent;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.HandoffService;
import xiaofa.handoff.Rating;
import xiaofa.platform.Pii;

/**
 * Cases as the field app sees them (lists, detail, callbacks): the resident's phone and every phone or ID number in
 * free text masked, the advisor by role and name only, times in ISO-8601. Field names are the contract's
 * ({@code channels/grid/openapi.yaml}).
 */
final class CaseJson {
  /** Worker-facing names of the timeline's events. */
  private static final Map<String, String> KIND_LABELS = Map.ofEntries(
      Map.entry(CaseEvent.CREATED, "登记"),
      Map.entry(CaseEvent.RESIDENT_MESSAGE, "补充情况"),
      Map.entry(CaseEvent.BOT_REPLY, "小法回复"),
      Map.entry(CaseEvent.ASSIGNED, "分派"),
      Map.entry(CaseEvent.ADVISOR_REPLY, "顾问回复"),
      Map.entry(CaseEvent.URGENT, "转为紧急"),
      Map.entry(CaseEvent.SLA_BREACHED, "超时升级"),
      Map.entry(CaseEvent.CLOSED, "办结"),
      Map.entry(CaseEvent.RATING_REQUESTED, "请求评价"),
      Map.entry(CaseEvent.RATED, "评价"),
      Map.entry(CaseEvent.FOLLOW_UP, "回访"),
      Map.entry(CaseEvent.TRANSFERRED, "转办"));
  // Only the kinds above reach the app: the rest are internal to the service (advisors' notes, a message that could
  // not be delivered), and so is any kind added later until it is given a label here.
  static final String WORKER_PREFIX = "【网格员 ";

  private CaseJson() {}

  /** A case in a list or a report's answer. */
  static JsonObject summary(CaseSummary s, Report r) {
    return new JsonObject()
        .put("id", s.id())
        .put("status", s.status().id())
        .put("statusLabel", s.status().label())
        .put("category", s.category().id())
        .put("categoryLabel", s.category().label())
        .put("urgent", s.urgent())
        .put("grid", r.grid())
        .put("community", s.community())
        .put("advisor", advisor(s.advisorRole(), s.advisorName()))
        .put("firstResponseDue", time(s.firstResponseDue()))
        .put("firstResponseAt", time(s.firstResponseAt()))
        .put("worker", r.worker())
        .put("resident", new JsonObject().put("name", r.residentName()).put("phone", Pii.maskPhone(r.residentPhone())))
        .put("summary", Pii.maskText(s.summary()))
        .put("createdAt", time(s.createdAt()))
        .put("rating", s.rating());
  }

  /** A case with its outcome, attachments and timeline (oldest first). */
  static JsonObject detail(CaseView c, Report r, List<CaseEvent> timeline) {
    JsonArray events = new JsonArray();
    for (CaseEvent e : timeline) {
      if (!KIND_LABELS.containsKey(e.kind())) {
        continue;
      }
      String actor = actor(c, e);
      events.add(new JsonObject()
          .put("at", time(e.at()))
          .put("kind", e.kind())
          .put("kindLabel", KIND_LABELS.getOrDefault(e.kind(), e.kind()))
          .put("actor", actor)
          .put("actorLabel", actorLabel(c, e, actor))
          .put("text", Pii.maskText(e.text())));
    }
    return summary(CaseSummary.of(c), r)
        .put("outcome", c.outcome() == null ? null : c.outcome().id())
        .put("outcomeLabel", c.outcome() == null ? null : c.outcome().label())
        .put("attachments", r.attachments().copy())
        .put("timeline", events);
  }

  /**
   * A callback: the event's type and time, the case as it stands after the event, and the event's text (the
   * advisor's reply, the closing note) masked.
   */
  static JsonObject event(String id, String type, CaseEvent e, CaseView c, Report r) {
    JsonObject o = new JsonObject()
        .put("id", id)
        .put("type", type)
        .put("at", time(e.at()))
        .put("app", r.appId())
        .put("worker", r.worker())
        .put("case", summary(CaseSummary.of(c), r));
    if (e.kind().equals(CaseEvent.RATING_REQUESTED)) {
      o.put("text", "事项 " + c.id() + " 已办结，请为办理结果评价（一事一评）：5 非常满意，4 满意，3 一般，2 不满意，1 非常不满意。");
    } else if (e.text() != null) {
      o.put("text", Pii.maskText(e.text()));
    }
    if (e.kind().equals(CaseEvent.CLOSED) && c.outcome() != null) {
      o.put("outcome", c.outcome().id()).put("outcomeLabel", c.outcome().label());
    }
    return o;
  }

  static JsonObject rating(CaseView c) {
    return new JsonObject()
        .put("id", c.id())
        .put("rating", c.rating())
        .put("ratingLabel", c.rating() == null ? null : Rating.label(c.rating()))
        .put("followUp", c.rating() != null && Rating.needsFollowUp(c.rating()));
  }

  private static JsonObject advisor(Advisor.Role role, String name) {
    if (role == null && name == null) {
      return null;
    }
    return new JsonObject()
        .put("role", role == null ? null : role.name().toLowerCase(Locale.ROOT))
        .put("roleLabel", role == null ? null : role.label())
        .put("name", name);
  }

  /** On a reported case the resident's side is the grid worker: every message and rating came through the app. */
  private static String actor(CaseView c, CaseEvent e) {
    return switch (e.actor()) {
      case "resident" -> "worker";
      case "system", "xiaofa" -> e.actor();
      case HandoffService.ADMIN -> "system";
      default -> "advisor";
    };
  }

  private static String actorLabel(CaseView c, CaseEvent e, String actor) {
    return switch (actor) {
      case "worker" -> "网格员";
      case "xiaofa" -> "小法";
      case "system" -> "系统";
      default -> e.actor().equals(c.advisorId()) && c.advisorRole() != null ? c.advisorRole().label() : "法律顾问";
    };
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
