package xiaofa.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import xiaofa.knowledge.EntryType;
import xiaofa.knowledge.KnowledgeEntry;
import xiaofa.knowledge.KnowledgeService;
import xiaofa.knowledge.SearchHit;
import xiaofa.knowledge.SearchRequest;

/**
 * Canned replies drawn from the knowledge base, for an advisor to start from: the best entries for the case (or the
 * advisor's own search words), each as a short plain reply — the entry's "怎么办" section or first paragraph, or for a
 * power-list item where to go, what to bring and how long it takes — followed by "依据：…" from its basis. Law
 * articles are left out: an advisor cites them, a resident needs the plain answer.
 */
final class CannedReplies {
  static final int MAX_REPLIES = 5;
  static final int MAX_TEXT = 300;
  private static final int SEARCH_HITS = 20;
  private static final Pattern LINK = Pattern.compile("\\[([^]]+)]\\([^)]+\\)");
  private static final Pattern EMPHASIS = Pattern.compile("\\*\\*|__|`");

  private final KnowledgeService knowledge;

  CannedReplies(KnowledgeService knowledge) {
    this.knowledge = knowledge;
  }

  /** Up to five replies for {@code query} (at most 200 characters), best first. */
  Future<JsonArray> forQuery(String query) {
    return knowledge.search(SearchRequest.of(query, SEARCH_HITS).withoutSnippets()).map(result -> {
      JsonArray out = new JsonArray();
      for (SearchHit hit : result.hits()) {
        if (out.size() == MAX_REPLIES) {
          break;
        }
        Optional<KnowledgeEntry> entry = knowledge.entry(hit.id());
        if (entry.isEmpty() || entry.get().type() == EntryType.LAW) {
          continue;
        }
        out.add(reply(entry.get(), hit.score()));
      }
      return out;
    });
  }

  static JsonObject reply(KnowledgeEntry e, double score) {
    String text = trim(e.type() == EntryType.POWER ? power(e) : article(e), MAX_TEXT);
    List<String> basis = e.basis().stream().map(b -> b.replace("中华人民共和国", "").strip()).filter(b -> !b.isEmpty()).toList();
    String basisLine = basis.isEmpty() ? null : "依据：" + String.join("；", basis);
    return new JsonObject()
        .put("entryId", e.id())
        .put("title", e.title())
        .put("type", e.type().key())
        .put("score", Math.round(score * 1000) / 1000.0)
        .put("onTopic", score >= SearchHit.ON_TOPIC)
        .put("text", text)
        .put("basis", basisLine)
        .put("reply", basisLine == null ? text : text + "\n" + basisLine)
        .put("url", "/kb/" + e.id());
  }

  private static String article(KnowledgeEntry e) {
    Map<String, String> sections = e.sections();
    for (String name : List.of("怎么办", "怎么做", "办理流程", "答复")) {
      String s = sections.get(name);
      if (s != null && !s.isBlank()) {
        return plain(s);
      }
    }
    // no "what to do" section: the first paragraph of the body
    for (String s : sections.values()) {
      if (!s.isBlank()) {
        return plain(s.split("\n\\s*\n", 2)[0]);
      }
    }
    return e.title();
  }

  private static String power(KnowledgeEntry e) {
    Map<String, String> f = e.fields();
    StringBuilder sb = new StringBuilder(e.title()).append("：");
    append(sb, "请到", f.get("承办机构"), "办理");
    append(sb, "（", f.get("办理渠道"), "）");
    sb.append("。");
    append(sb, "需要准备：", f.get("申请材料"), "。");
    append(sb, "承诺办理时限", f.get("承诺办理时限"), "，");
    append(sb, "收费：", f.get("收费标准"), "。");
    append(sb, "咨询：", f.get("咨询方式"), "。");
    return sb.toString().replace("，。", "。").replace("，咨询", "。咨询").replaceAll("，$", "。");
  }

  private static void append(StringBuilder sb, String before, String value, String after) {
    if (value != null && !value.isBlank()) {
      sb.append(before).append(value.strip()).append(after);
    }
  }

  /** Markdown to plain lines: no emphasis, links as their text, bullets as "· ", headings dropped. */
  static String plain(String md) {
    List<String> lines = new ArrayList<>();
    for (String line : EMPHASIS.matcher(LINK.matcher(md).replaceAll("$1")).replaceAll("").split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.startsWith("- ") || l.startsWith("* ")) {
        l = "· " + l.substring(2);
      } else if (l.startsWith(">")) {
        l = l.substring(1).strip();
      }
      lines.add(l);
    }
    return String.join("\n", lines);
  }

  /** At most {@code max} characters, cut after the last full sentence or line that fits, marked with "…". */
  static String trim(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    String head = text.substring(0, max - 1);
    int cut = Math.max(Math.max(head.lastIndexOf('\n'), head.lastIndexOf('。')), Math.max(head.lastIndexOf('；'), head.lastIndexOf('！')));
    return (cut >= max / 2 ? head.substring(0, cut + 1).strip() : head) + "…";
  }
}
