package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LawParserTest {
  static final Path SHARED_LAWS = Path.of("../shared/data/laws");

  private static final String CODE_PART = """
      # 中华人民共和国民法典

      # 婚姻家庭编

      2020年5月28日 第十三届全国人民代表大会第三次会议通过

      <!-- INFO END -->

      ## 第一章  一般规定

      第一千零四十条 本编调整因婚姻家庭产生的民事关系。

      ## 第四章 离婚

      ### 第一节 登记离婚

      第一千零七十九条 夫妻一方要求离婚的，可以由有关组织进行调解或者直接向人民法院提起离婚诉讼。

      人民法院审理离婚案件，应当进行调解；如果感情确已破裂，调解无效的，应当准予离婚。
      """;

  @Test
  @DisplayName("a law splits into articles with the title, an integer number, the chapter path and every paragraph")
  void splitsArticles() {
    List<SourceProblem> problems = new ArrayList<>();
    List<KnowledgeEntry> articles = LawParser.parse("laws/民法典/婚姻家庭编.md", CODE_PART, problems);
    assertEquals(List.of(), problems);
    assertEquals(2, articles.size());
    KnowledgeEntry a = articles.get(1);
    assertEquals("law-民法典-1079", a.id());
    assertEquals("中华人民共和国民法典", a.law());
    assertEquals(1079, a.article());
    assertEquals("《中华人民共和国民法典》第一千零七十九条", a.title());
    assertEquals("婚姻家庭编 / 第四章 离婚 / 第一节 登记离婚", a.chapter());
    assertTrue(a.body().startsWith("第一千零七十九条 夫妻一方要求离婚的"));
    assertTrue(a.body().endsWith("应当准予离婚。"), "the second paragraph belongs to the article");
    assertEquals("婚姻家庭编 / 第一章 一般规定", articles.get(0).chapter());
    assertEquals("laws/民法典/婚姻家庭编.md:11", articles.get(0).source());
  }

  @Test
  @DisplayName("a file without a title is reported and skipped; a repeated article number is reported, the first kept")
  void reportsProblems() {
    List<SourceProblem> problems = new ArrayList<>();
    assertEquals(List.of(), LawParser.parse("laws/x.md", "<!-- INFO END -->\n第一条 文本。\n", problems));
    assertEquals("laws/x.md", problems.get(0).file());
    assertTrue(problems.get(0).message().contains("标题"));

    problems.clear();
    List<KnowledgeEntry> a = LawParser.parse("laws/y.md", "# 某法\n<!-- INFO END -->\n第一条 甲。\n\n第二条 乙。\n\n第二条 丙。\n\n第三条 丁。\n", problems);
    assertEquals(List.of(1, 2, 3), a.stream().map(KnowledgeEntry::article).toList());
    assertEquals("第二条 乙。", a.get(1).body());
    assertEquals(1, problems.size());
    assertEquals(7, problems.get(0).line());
  }

  @Test
  @DisplayName("the shared corpus of 25 laws yields all 3,136 articles without a problem")
  void wholeCorpus() {
    assumeTrue(Files.isDirectory(SHARED_LAWS), "skipped: ../shared/data/laws is absent (the shared law corpus is not on this machine)");
    KnowledgeBase kb = new KnowledgeSources(Optional.of(Path.of("knowledge")), Optional.of(SHARED_LAWS), "test").load();
    List<KnowledgeEntry> laws = kb.entries().stream().filter(e -> e.type() == EntryType.LAW).toList();
    assertEquals(3136, laws.size());
    assertEquals(25, laws.stream().map(KnowledgeEntry::law).distinct().count());
    assertEquals(1260, laws.stream().filter(e -> e.law().equals("中华人民共和国民法典")).count());
    assertTrue(kb.problems().stream().noneMatch(p -> p.file().startsWith("laws/")), () -> kb.problems().toString());
  }
}
