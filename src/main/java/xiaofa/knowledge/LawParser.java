package xiaofa.knowledge;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a law in the corpus's Markdown format into citable articles: {@code # title} (a second {@code #} line
 * names a part, as in 民法典's 编), history lines up to {@code <!-- INFO END -->}, {@code ##}/{@code ###}
 * chapters and sections, and paragraphs that start with 第…条; following paragraphs belong to the same article.
 */
final class LawParser {
  private static final Pattern ARTICLE = Pattern.compile("^第([零〇一二三四五六七八九十百千两0-9]+)条(?:[\\s\\u3000]+|$)(.*)");
  private static final String INFO_END = "<!-- INFO END -->";

  private LawParser() {}

  static List<KnowledgeEntry> parse(String file, String text, List<SourceProblem> problems) {
    String[] lines = text.split("\r?\n", -1);
    String title = null;
    String part = null;
    boolean inBody = !text.contains(INFO_END);
    String chapter = null;
    String section = null;
    List<KnowledgeEntry> out = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    int articleNo = -1;
    int articleLine = 0;
    String articleChapter = null;
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!inBody) {
        if (line.startsWith("# ")) {
          if (title == null) {
            title = line.substring(2).strip();
          } else {
            part = line.substring(2).strip();
          }
        } else if (line.equals(INFO_END)) {
          inBody = true;
        }
        continue;
      }
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# ") && title == null) {
        title = line.substring(2).strip();
        continue;
      }
      Matcher m = ARTICLE.matcher(line);
      if (line.startsWith("#") || m.matches()) {
        if (articleNo > 0) {
          add(out, seen, file, articleLine, title, articleNo, articleChapter, body.toString().strip(), problems);
        }
        articleNo = -1;
        body.setLength(0);
      }
      if (line.startsWith("### ")) {
        section = compact(line.substring(4));
      } else if (line.startsWith("## ")) {
        chapter = compact(line.substring(3));
        section = null;
      } else if (line.startsWith("#")) {
        // deeper headings are kept as section names
        section = compact(line.replaceFirst("^#+\\s*", ""));
      } else if (m.matches()) {
        articleNo = ChineseNumerals.parse(m.group(1));
        articleLine = i + 1;
        articleChapter = join(part, chapter, section);
        if (articleNo <= 0) {
          problems.add(new SourceProblem(file, i + 1, "无法识别的条文编号：" + m.group(1)));
        }
        body.append(line);
      } else if (articleNo > 0) {
        body.append('\n').append(line);
      }
    }
    if (articleNo > 0) {
      add(out, seen, file, articleLine, title, articleNo, articleChapter, body.toString().strip(), problems);
    }
    if (title == null) {
      problems.add(new SourceProblem(file, 1, "法律文件缺少“# 标题”行，已跳过"));
      return List.of();
    }
    if (out.isEmpty()) {
      problems.add(new SourceProblem(file, 1, "文件中没有找到“第…条”开头的条文"));
    }
    return out;
  }

  private static void add(
      List<KnowledgeEntry> out,
      Set<Integer> seen,
      String file,
      int line,
      String title,
      int no,
      String chapter,
      String text,
      List<SourceProblem> problems) {
    if (title == null) {
      return;
    }
    if (!seen.add(no)) {
      problems.add(new SourceProblem(file, line, "条文编号重复：第" + no + "条，已跳过重复的一条"));
      return;
    }
    String articleName = "第" + ChineseNumerals.format(no) + "条";
    out.add(
        new KnowledgeEntry(
            lawId(title, no),
            EntryType.LAW,
            "《" + title + "》" + articleName,
            text,
            List.of(),
            null,
            null,
            List.of(),
            List.of(),
            title,
            no,
            chapter,
            null,
            file + ":" + line));
  }

  /** The id of a law article: {@code law-劳动合同法-30}. */
  static String lawId(String title, int article) {
    return "law-" + KnowledgeEntry.shortLawTitle(title) + "-" + article;
  }

  private static String compact(String heading) {
    return heading.strip().replaceAll("[\\s\\u3000]+", " ");
  }

  private static String join(String... parts) {
    StringBuilder sb = new StringBuilder();
    for (String p : parts) {
      if (p != null && !p.isBlank()) {
        if (sb.length() > 0) {
          sb.append(" / ");
        }
        sb.append(p);
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }
}
