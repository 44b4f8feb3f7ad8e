package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The few Markdown constructs the knowledge's bodies use, as the /kb/ pages render them. */
class LightMarkdownTest {

  @Test
  @DisplayName("a paragraph followed at once by a list, then a numbered list that does not start at 1")
  void paragraphThenLists() {
    assertEquals(
        "<h2>补正</h2>\n<p>申请内容不明确的，<strong>一次性告知</strong>：</p>\n<ul>\n<li>重新计算</li>\n<li>视为放弃</li>\n</ul>\n"
            + "<ol start=\"3\">\n<li>第三步</li>\n</ol>\n",
        LightMarkdown.render("## 补正\n申请内容不明确的，**一次性告知**：\n- 重新计算\n- 视为放弃\n\n3. 第三步\n"));
  }

  @Test
  @DisplayName("consecutive lines of a paragraph keep their line breaks; a blank line starts a new paragraph")
  void paragraphs() {
    assertEquals("<p>第一行<br>第二行</p>\n<p>第三行</p>\n", LightMarkdown.render("第一行\n第二行\n\n第三行"));
  }

  @Test
  @DisplayName("a table without a rule row is all body cells; a note keeps its paragraphs")
  void tableAndNote() {
    assertEquals("<div class=\"table-wrap\"><table><tbody><tr><td>a</td><td>b</td></tr></tbody></table></div>\n", LightMarkdown.render("| a | b |"));
    assertEquals("<blockquote class=\"note\"><p>本页为<strong>示例</strong>。</p><p>以公布为准。</p></blockquote>\n", LightMarkdown.render("> 本页为**示例**。\n>\n> 以公布为准。"));
  }

  @Test
  @DisplayName("escaping covers the five characters that matter in content and attributes")
  void escape() {
    assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;", LightMarkdown.escape("<a href=\"x\" title='y'>&</a>"));
    assertEquals("", LightMarkdown.escape(null));
    assertEquals("看这里 和 <strong>&lt;b&gt;</strong>", LightMarkdown.inline("[看这里](https://example.com/a_(b)) 和 **<b>**"));
  }
}
