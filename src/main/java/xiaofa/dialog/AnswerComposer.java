package xiaofa.dialog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.knowledge.Category;
import xiaofa.knowledge.ChineseNumerals;
import xiaofa.knowledge.Citation;
import xiaofa.knowledge.EntryType;
import xiaofa.knowledge.KnowledgeEntry;

/**
 * Turns a knowledge entry into an answer a resident can act on: what to do first, then 依据 (every law article
 * checked against the index when its law is in the corpus; a citation of a missing article is dropped and logged),
 * then where to go. Power-list items give the office, materials, time limits, fee and whether it can be done online.
 * The full text may be longer than one message; {@link Pages} splits it.
 */
final class AnswerComposer {
  private static final Logger log = LoggerFactory.getLogger(AnswerComposer.class);
  private static final Pattern MARKDOWN = Pattern.compile("\\*\\*|__|`");
  private static final Pattern LINK = Pattern.compile("\\[([^]]+)]\\([^)]+\\)");

  /** An answer's text and what it cites. */
  record Composed(String text, List<Reply.Cite> cites) {}

  private final Function<String, Optional<KnowledgeEntry>> entries;
  private final Set<String> corpusLaws;

  /**
   * @param entries looks up an entry of the live index by id
   * @param corpusLaws short titles of the laws in the corpus: citations of these are verified
   */
  AnswerComposer(Function<String, Optional<KnowledgeEntry>> entries, Set<String> corpusLaws) {
    this.entries = entries;
    this.corpusLaws = Set.copyOf(corpusLaws);
  }

  Composed compose(KnowledgeEntry e, Category category) {
    List<Reply.Cite> cites = new ArrayList<>();
    cites.add(Reply.Cite.entry(e.id(), e.title()));
    String text = switch (e.type()) {
      case POWER -> power(e, cites);
      case LAW -> law(e, category, cites);
      default -> article(e, category, cites);
    };
    return new Composed(text, cites);
  }

  private String article(KnowledgeEntry e, Category category, List<Reply.Cite> cites) {
    Map<String, String> sections = e.sections();
    StringBuilder sb = new StringBuilder("【").append(e.title()).append("】\n");
    String todo = first(sections, "怎么办", "怎么做", "办理流程", "答复", "");
    sb.append(plain(todo.isEmpty() ? e.body() : todo)).append('\n');
    String basis = basis(e.basis(), cites);
    if (!basis.isEmpty()) {
      sb.append("\n依据：").append(basis).append('\n');
    }
    String where = first(sections, "到哪里办", "到哪办", "办理地点", "联系方式");
    if (!where.isEmpty()) {
      sb.append("\n到哪里办：\n").append(plain(where)).append('\n');
    } else if (e.type() == EntryType.PUBLICITY && category != null) {
      sb.append("\n到哪里办：").append(Texts.VENUES.get(category)).append('\n');
    }
    return sb.toString().strip();
  }

  private String power(KnowledgeEntry e, List<Reply.Cite> cites) {
    Map<String, String> f = e.fields();
    StringBuilder sb = new StringBuilder("【").append(e.title()).append("】（").append(f.getOrDefault("职权类型", "")).append("）\n");
    List<String> channels = split(f.get("办理渠道"));
    boolean online = channels.contains("网上办理");
    boolean remote = channels.contains("不见面审批");
    sb.append("能否网上办：").append(remote ? "可以，支持不见面审批，可全程网上办理" : online ? "可以网上申请" : "需到窗口办理").append('\n');
    line(sb, "办理机构", f.get("承办机构"));
    List<String> materials = split(f.get("申请材料"));
    if (!materials.isEmpty()) {
      sb.append("申请材料：\n");
      for (int i = 0; i < materials.size(); i++) {
        sb.append(i + 1).append(". ").append(materials.get(i)).append('\n');
      }
    }
    String legal = f.getOrDefault("法定办理时限", "");
    String promised = f.getOrDefault("承诺办理时限", "");
    if (!legal.isEmpty() || !promised.isEmpty()) {
      sb.append("办理时限：").append(legal.isEmpty() ? "" : "法定 " + legal).append(!legal.isEmpty() && !promised.isEmpty() ? "，" : "")
          .append(promised.isEmpty() ? "" : "承诺 " + promised).append('\n');
    }
    line(sb, "收费", f.get("收费标准"));
    line(sb, "咨询", f.get("咨询方式"));
    String basis = basis(e.basis(), cites);
    if (!basis.isEmpty()) {
      sb.append("依据：").append(basis).append('\n');
    }
    line(sb, "实施主体", f.get("实施主体"));
    return sb.toString().strip();
  }

  private String law(KnowledgeEntry e, Category category, List<Reply.Cite> cites) {
    String title = "《" + KnowledgeEntry.shortLawTitle(e.law()) + "》第" + ChineseNumerals.format(e.article()) + "条";
    cites.clear();
    cites.add(Reply.Cite.law(KnowledgeEntry.shortLawTitle(e.law()), e.article(), title, true));
    StringBuilder sb = new StringBuilder("与您的问题最相关的法律规定是").append(title).append("：\n");
    sb.append(plain(e.body())).append('\n');
    if (category != null) {
      sb.append("\n到哪里办：").append(Texts.VENUES.get(category)).append('\n');
    }
    sb.append("\n以上是法律条文原文，具体怎么适用要看您的情况，可回复“转人工”请法律顾问帮您分析。");
    return sb.toString().strip();
  }

  /** The basis lines, each law article verified; the ones that pass, joined with "；". */
  private String basis(List<String> basis, List<Reply.Cite> cites) {
    List<String> kept = new ArrayList<>();
    for (String b : basis) {
      Optional<Citation> c = Citation.parse(b);
      if (c.isPresent() && corpusLaws.contains(c.get().law())) {
        if (entries.apply(c.get().entryId()).isEmpty()) {
          log.warn("knowledge cites {} which is not in the law corpus; left out of the answer", b);
          continue;
        }
        String title = "《" + c.get().law() + "》第" + ChineseNumerals.format(c.get().article()) + "条";
        cites.add(Reply.Cite.law(c.get().law(), c.get().article(), title, true));
        kept.add(b.replace("中华人民共和国", ""));
      } else {
        c.ifPresent(x -> cites.add(Reply.Cite.law(x.law(), x.article(), "《" + x.law() + "》第" + ChineseNumerals.format(x.article()) + "条", false)));
        kept.add(b.replace("中华人民共和国", ""));
      }
    }
    return String.join("；", kept);
  }

  private static String first(Map<String, String> sections, String... names) {
    for (String n : names) {
      String s = sections.get(n);
      if (s != null && !s.isBlank()) {
        return s;
      }
    }
    return "";
  }

  /** Markdown to plain text for a chat message. */
  static String plain(String md) {
    String s = LINK.matcher(md).replaceAll("$1");
    s = MARKDOWN.matcher(s).replaceAll("");
    StringBuilder sb = new StringBuilder();
    for (String line : s.split("\n")) {
      String l = line.strip();
      if (l.startsWith("#")) {
        l = l.replaceFirst("^#+\\s*", "【").concat("】");
      } else if (l.startsWith("- ") || l.startsWith("* ")) {
        l = "· " + l.substring(2);
      } else if (l.startsWith(">")) {
        l = l.substring(1).strip();
      }
      if (!l.isEmpty() || (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n')) {
        sb.append(l).append('\n');
      }
    }
    return sb.toString().strip();
  }

  private static void line(StringBuilder sb, String label, String value) {
    if (value != null && !value.isBlank()) {
      sb.append(label).append("：").append(value.strip()).append('\n');
    }
  }

  private static List<String> split(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(value.split("[；;]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
