package xiaofa.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a Markdown page with YAML front matter (disclosure pages and publicity Q&A). Required: {@code id}, {@code
 * title}; publicity entries need a valid {@code category}, disclosure pages a {@code column}. A file that breaks
 * these rules is reported with its line and skipped.
 */
final class MarkdownEntryParser {
  static final Set<String> COLUMNS = Set.of("机构简介", "权责清单", "财政资金", "提案办理", "政务公开工作要点", "依申请公开");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private MarkdownEntryParser() {}

  /** Returns the entry, or null after adding a problem. */
  static KnowledgeEntry parse(String file, String text, EntryType type, List<SourceProblem> problems) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String[] lines = text.split("\r?\n", -1);
    if (lines.length == 0 || !lines[0].strip().equals("---")) {
      problems.add(new SourceProblem(file, 1, "缺少 YAML 头信息：文件应以“---”行开始"));
      return null;
    }
    int end = -1;
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].strip().equals("---")) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      problems.add(new SourceProblem(file, 1, "YAML 头信息没有以“---”行结束"));
      return null;
    }
    JsonNode meta;
    try {
      meta = YAML.readTree(String.join("\n", List.of(lines).subList(1, end)));
    } catch (Exception e) {
      int line = 1;
      if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
        line = 1 + Math.max(1, j.getLocation().getLineNr());
      }
      problems.add(new SourceProblem(file, line, "YAML 头信息格式错误：" + firstLine(e.getMessage())));
      return null;
    }
    if (meta == null || !meta.isObject()) {
      problems.add(new SourceProblem(file, 2, "YAML 头信息应为“键: 值”形式"));
      return null;
    }
    String id = text(meta, "id");
    String title = text(meta, "title");
    if (id == null || title == null) {
      problems.add(new SourceProblem(file, 2, "头信息缺少 id 或 title"));
      return null;
    }
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,79}")) {
      problems.add(new SourceProblem(file, 2, "id“" + id + "”只能包含字母、数字、点、下划线和连字符"));
      return null;
    }
    String category = text(meta, "category");
    String topic = text(meta, "topic");
    if (type == EntryType.PUBLICITY && (category == null || Category.fromId(category).isEmpty())) {
      problems.add(new SourceProblem(file, 2, "category“" + category + "”不是 11 个分流类别之一"));
      return null;
    }
    if (type == EntryType.DISCLOSURE) {
      String column = text(meta, "column");
      if (column == null || !COLUMNS.contains(column)) {
        problems.add(new SourceProblem(file, 2, "column“" + column + "”应为：" + String.join("、", COLUMNS)));
        return null;
      }
      topic = column;
    }
    String body = String.join("\n", List.of(lines).subList(end + 1, lines.length)).strip();
    if (body.isEmpty()) {
      problems.add(new SourceProblem(file, end + 2, "正文为空"));
      return null;
    }
    return new KnowledgeEntry(
        id,
        type,
        title,
        body,
        list(meta, "questions"),
        category,
        topic,
        list(meta, "tags"),
        list(meta, "basis"),
        null,
        null,
        null,
        null,
        file + ":1");
  }

  private static String text(JsonNode meta, String key) {
    JsonNode n = meta.get(key);
    if (n == null || n.isNull() || n.isContainerNode()) {
      return null;
    }
    String s = n.asText().strip();
    return s.isEmpty() ? null : s;
  }

  private static List<String> list(JsonNode meta, String key) {
    JsonNode n = meta.get(key);
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isArray()) {
      n.forEach(v -> {
        if (!v.isContainerNode() && !v.asText().isBlank()) {
          out.add(v.asText().strip());
        }
      });
    } else if (!n.isContainerNode() && !n.asText().isBlank()) {
      out.add(n.asText().strip());
    }
    return out;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
