package xiaofa.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML escaping and the few Markdown constructs the knowledge's bodies use: {@code ## } headings, {@code - } and
 * {@code 1. } lists (with indented sub-items and continuation lines), {@code > } notes (the 示例 disclaimers), pipe
 * tables, paragraphs and {@code **bold**}. Everything is escaped first and only these constructs become tags, so a
 * body can never inject markup; Markdown links keep their text and lose their target, as in the chat answers.
 * Stateless and cheap: pages render it on the event loop.
 */
final class LightMarkdown {
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*)$");
  private static final Pattern BULLET = Pattern.compile("^[-*+]\\s+(.*)$");
  private static final Pattern ORDERED = Pattern.compile("^(\\d{1,3})\\.\\s+(.*)$");
  private static final Pattern TABLE_RULE = Pattern.compile("^\\s*:?-{1,}:?\\s*$");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\((?:[^()]|\\([^()]*\\))*\\)");
  private static final Pattern BOLD = Pattern.compile("\\*\\*(.+?)\\*\\*");

  private LightMarkdown() {}

  /** Escapes text for HTML element content and double- or single-quoted attribute values. */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** One line of text: escaped, links reduced to their text, backticks dropped, {@code **bold**} kept. */
  static String inline(String text) {
    String s = escape(text);
    s = LINK.matcher(s).replaceAll("$1");
    s = s.replace("`", "");
    return BOLD.matcher(s).replaceAll("<strong>$1</strong>");
  }

  /** A whole body as HTML blocks. */
  static String render(String markdown) {
    Blocks b = new Blocks();
    for (String line : markdown.split("\r?\n", -1)) {
      b.line(line);
    }
    b.flush();
    return b.out.toString();
  }

  /** The block state while reading a body line by line. */
  private static final class Blocks {
    final StringBuilder out = new StringBuilder();
    final List<String> paragraph = new ArrayList<>();
    final List<String> quote = new ArrayList<>();
    final List<String> table = new ArrayList<>();
    String list; // "ul", "ol" or null
    boolean itemOpen;
    boolean subOpen;

    void line(String raw) {
      String t = raw.strip();
      if (t.isEmpty()) {
        flush();
        return;
      }
      boolean indented = Character.isWhitespace(raw.charAt(0));
      Matcher h = HEADING.matcher(t);
      Matcher bullet = BULLET.matcher(t);
      Matcher ordered = ORDERED.matcher(t);
      if (h.matches()) {
        flush();
        String tag = h.group(1).length() <= 2 ? "h2" : "h3";
        out.append('<').append(tag).append('>').append(inline(h.group(2).strip())).append("</").append(tag).append(">\n");
      } else if (t.startsWith("|") && !(indented && itemOpen)) {
        flushExcept(table);
        table.add(t);
      } else if (t.startsWith(">") && !(indented && itemOpen)) {
        flushExcept(quote);
        quote.add(t.substring(1).strip());
      } else if (indented && itemOpen) {
        if (bullet.matches() || ordered.matches()) {
          if (!subOpen) {
            out.append("<ul>");
            subOpen = true;
          }
          out.append("<li>").append(inline(bullet.matches() ? bullet.group(1) : ordered.group(2))).append("</li>");
        } else if (subOpen) {
          closeSub(); // the sub-list already ends the line
          out.append(inline(t));
        } else {
          out.append("<br>").append(inline(t));
        }
      } else if (bullet.matches()) {
        item("ul", 1, bullet.group(1));
      } else if (ordered.matches()) {
        item("ol", Integer.parseInt(ordered.group(1)), ordered.group(2));
      } else {
        flushExcept(paragraph);
        paragraph.add(inline(t));
      }
    }

    private void item(String type, int number, String text) {
      flushExcept(null);
      if (list != null && !list.equals(type)) {
        closeList();
      }
      if (list == null) {
        list = type;
        out.append('<').append(type);
        if (type.equals("ol") && number != 1) {
          out.append(" start=\"").append(number).append('"');
        }
        out.append(">\n");
      } else {
        closeItem();
      }
      out.append("<li>").append(inline(text));
      itemOpen = true;
    }

    /** Closes every open block but {@code keep} (and the list, unless a list item is being added). */
    private void flushExcept(List<String> keep) {
      if (keep != paragraph) {
        paragraph();
      }
      if (keep != quote) {
        quote();
      }
      if (keep != table) {
        table();
      }
      if (keep != null) {
        closeList();
      }
    }

    void flush() {
      paragraph();
      quote();
      table();
      closeList();
    }

    private void paragraph() {
      if (!paragraph.isEmpty()) {
        out.append("<p>").append(String.join("<br>", paragraph)).append("</p>\n");
        paragraph.clear();
      }
    }

    private void quote() {
      if (quote.isEmpty()) {
        return;
      }
      out.append("<blockquote class=\"note\">");
      List<String> lines = new ArrayList<>();
      for (String q : quote) {
        if (q.isEmpty()) {
          quoteParagraph(lines);
        } else {
          lines.add(inline(q));
        }
      }
      quoteParagraph(lines);
      out.append("</blockquote>\n");
      quote.clear();
    }

    private void quoteParagraph(List<String> lines) {
      if (!lines.isEmpty()) {
        out.append("<p>").append(String.join("<br>", lines)).append("</p>");
        lines.clear();
      }
    }

    private void table() {
      if (table.isEmpty()) {
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      for (String r : table) {
        rows.add(cells(r));
      }
      boolean header = rows.size() >= 2 && !rows.get(1).isEmpty() && rows.get(1).stream().allMatch(c -> TABLE_RULE.matcher(c).matches());
      out.append("<div class=\"table-wrap\"><table>");
      int from = 0;
      if (header) {
        out.append("<thead><tr>");
        rows.get(0).forEach(c -> out.append("<th>").append(inline(c)).append("</th>"));
        out.append("</tr></thead>");
        from = 2;
      }
      out.append("<tbody>");
      for (List<String> row : rows.subList(from, rows.size())) {
        out.append("<tr>");
        row.forEach(c -> out.append("<td>").append(inline(c)).append("</td>"));
        out.append("</tr>");
      }
      out.append("</tbody></table></div>\n");
      table.clear();
    }

    private static List<String> cells(String row) {
      String r = row.strip();
      if (r.startsWith("|")) {
        r = r.substring(1);
      }
      if (r.endsWith("|")) {
        r = r.substring(0, r.length() - 1);
      }
      List<String> out = new ArrayList<>();
      for (String c : r.split("\\|", -1)) {
        out.add(c.strip());
      }
      return out;
    }

    private void closeSub() {
      if (subOpen) {
        out.append("</ul>");
        subOpen = false;
      }
    }

    private void closeItem() {
      if (itemOpen) {
        closeSub();
        out.append("</li>\n");
        itemOpen = false;
      }
    }

    private void closeList() {
      if (list != null) {
        closeItem();
        out.append("</").append(list).append(">\n");
        list = null;
      }
    }
  }
}
