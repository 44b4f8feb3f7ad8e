package xiaofa.knowledge;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A citation of a law article as knowledge entries and lawyers write it: 《中华人民共和国劳动合同法》第三十条, 《劳动合同法》第30条.
 * The law is kept by its short title (without 中华人民共和国), so both spellings name the same article.
 */
public record Citation(String law, int article) {
  private static final Pattern CITE = Pattern.compile("《([^》]+)》\\s*第([零〇一二三四五六七八九十百千两0-9]+)条");

  /** The first citation in {@code text}, if any. */
  public static Optional<Citation> parse(String text) {
    Matcher m = CITE.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    int n = ChineseNumerals.parse(m.group(2));
    return n > 0 ? Optional.of(new Citation(KnowledgeEntry.shortLawTitle(m.group(1).strip()), n)) : Optional.empty();
  }

  /** The id of the cited article in the index ({@code law-劳动合同法-30}), whether or not the corpus holds it. */
  public String entryId() {
    return "law-" + law + "-" + article;
  }
}
