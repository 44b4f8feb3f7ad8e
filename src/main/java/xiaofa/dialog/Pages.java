package xiaofa.dialog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a long answer into pages that each fit one WeChat text message (at most {@link #MAX_BYTES} bytes of UTF-8
 * including the "还有呢" footer), breaking at line ends where possible.
 */
final class Pages {
  static final int MAX_BYTES = 2000;
  static final String MORE_FOOTER = "\n（内容较长，回复“还有呢”看下一页）";
  private static final int FOOTER_BYTES = MORE_FOOTER.getBytes(StandardCharsets.UTF_8).length;

  private Pages() {}

  static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The pages of {@code text}; every page but the last ends with the footer. */
  static List<String> split(String text) {
    List<String> pages = new ArrayList<>();
    String rest = text.strip();
    while (bytes(rest) > MAX_BYTES) {
      int budget = MAX_BYTES - FOOTER_BYTES;
      int cut = cutAt(rest, budget);
      pages.add(rest.substring(0, cut).stripTrailing() + MORE_FOOTER);
      rest = rest.substring(cut).strip();
    }
    pages.add(rest);
    return pages;
  }

  /** The largest index at most {@code budget} bytes in, preferring the last line break in the second half. */
  private static int cutAt(String s, int budget) {
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + n > budget) {
        break;
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    int nl = s.lastIndexOf('\n', i);
    return nl > i / 2 ? nl : i;
  }
}
