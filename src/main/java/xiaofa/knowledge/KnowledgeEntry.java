package xiaofa.knowledge;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One citable piece of knowledge: a power-list item, a disclosure page, a publicity Q&A or a law article. Immutable;
 * {@code law} and {@code article} are set on law articles only, {@code fields} (the power list's columns in order)
 * on power items only.
 *
 * @param source where it came from, as {@code file:line}, for error reports and editors
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record KnowledgeEntry(
    String id,
    EntryType type,
    String title,
    String body,
    List<String> questions,
    String category,
    String topic,
    List<String> tags,
    List<String> basis,
    String law,
    Integer article,
    String chapter,
    Map<String, String> fields,
    String source) {

  public KnowledgeEntry {
    questions = questions == null ? List.of() : List.copyOf(questions);
    tags = tags == null ? List.of() : List.copyOf(tags);
    basis = basis == null ? List.of() : List.copyOf(basis);
    fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
  }

  /** The body's "## heading" sections, by heading ("" for the text before the first heading), in order. */
  public Map<String, String> sections() {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    String heading = "";
    StringBuilder sb = new StringBuilder();
    for (String line : (body == null ? "" : body).split("\n")) {
      if (line.startsWith("## ")) {
        out.put(heading, sb.toString().strip());
        heading = line.substring(3).strip();
        sb.setLength(0);
      } else {
        sb.append(line).append('\n');
      }
    }
    out.put(heading, sb.toString().strip());
    return out;
  }

  /** The law's title without the "中华人民共和国" prefix, as residents and lawyers cite it. */
  public static String shortLawTitle(String title) {
    return title.startsWith("中华人民共和国") ? title.substring("中华人民共和国".length()) : title;
  }
}
