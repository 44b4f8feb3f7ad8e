package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Typical residents' questions about the zone's services and the publicity topics, in their own words (none is an
 * entry's title): the right entry must come first. Runs over the real knowledge base and the shared law corpus, as in
 * production, so law articles compete too; scores depend on the whole corpus, so it is skipped without it.
 */
class ResidentQuestionsTest {
  static KnowledgeIndex index;
  static HybridSearcher searcher;

  @BeforeAll
  static void load() {
    Path laws = LawParserTest.SHARED_LAWS;
    assumeTrue(Files.isDirectory(laws), "skipped: ../shared/data/laws is absent; the ranking is measured on the full corpus (knowledge + laws)");
    index = new KnowledgeIndex(Path.of("target/test-data/resident-index"), TestKnowledge.embedder());
    index.load(new KnowledgeSources(Optional.of(Path.of("knowledge")), Optional.of(laws), index.salt()).load());
    searcher = new HybridSearcher(index.analyzer(), TestKnowledge.embedder(), Caffeine.newBuilder().maximumSize(100).<String, float[]>build(), HybridSearcher.Fusion.DEFAULT);
  }

  @AfterAll
  static void close() throws Exception {
    if (index != null) {
      index.close();
    }
  }

  static List<SearchHit> search(String q) {
    return index.withSearcher(g -> searcher.search(g, SearchRequest.of(q, 5)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      盖厂房要办施工许可证，去哪里办                    | power-XK-001
      想开个小饭馆，食品经营许可怎么申请                 | power-XK-010
      失业了怎么领失业金                               | power-JF-001
      公司没裁员，能不能申请稳岗返还                     | power-JF-002
      企业投资项目备案在哪办，要跑几趟                   | power-QT-002
      想看管委会的文件，怎么申请信息公开                  | gk-ysqgk pf-administrative-105 power-QT-001
      申请政府信息公开以后多少天给答复                    | gk-ysqgk-deadline
      高新区管委会下面有哪些部门，分别管什么               | gk-jgjj-departments
      高新区的财政预算和三公经费在哪里能看到               | gk-czzj-budget
      人大代表提的建议政府怎么办理答复                    | gk-tabl
      老板拖欠工资三个月了怎么办                         | pf-labor-001
      宅基地被邻居占了一块                              | pf-land_housing-001
      包工头跑路了，我们的工钱找谁要                      | pf-labor-002
      有人打电话说我涉嫌洗钱，让我把钱转到安全账户          | pf-criminal-112
      网上做刷单任务，垫了钱返不回来                      | pf-criminal-111
      家里穷请不起律师，能不能申请法律援助                 | pf-general-109 pf-general-106 pf-general-111
      老公喝了酒就打我，我该怎么办                        | pf-marriage_family-010
      邻居家的狗把我孩子咬伤了                           | pf-tort_injury-102
      骑车被小车撞了，司机开车跑了                        | pf-traffic-004
      订婚给了二十万彩礼，现在女方悔婚了能要回来吗          | pf-marriage_family-007
      调解委员会调解签的协议算数吗                        | pf-general-119
      去窗口办事被推来推去，在哪里投诉                     | pf-administrative-108 gk-jgjj-evaluation
      儿子不给老娘生活费                                | pf-marriage_family-011
      买到假冒伪劣商品，商家要赔几倍                      | pf-consumer-001
      """)
  @DisplayName("a resident's question finds the right entry first")
  void rightEntryFirst(String question, String expected) {
    List<String> acceptable = Arrays.asList(expected.strip().split("\\s+"));
    List<SearchHit> hits = search(question);
    assertTrue(!hits.isEmpty() && acceptable.contains(hits.get(0).id()),
        () -> question + ": expected " + acceptable + " first, got " + hits.stream().map(h -> h.id() + " " + h.title() + " " + h.score()).toList());
    assertTrue(hits.get(0).score() >= HybridSearcher.ON_TOPIC, () -> question + ": top score " + hits.get(0).score() + " is below the on-topic threshold");
  }

  @Test
  @DisplayName("questions xiaofa knows nothing about score below the on-topic threshold")
  void offTopicScoresLow() {
    for (String q : List.of("今天天气怎么样", "推荐一部好看的电影", "红烧肉怎么做才好吃", "明天几点日出", "帮我写一首关于春天的诗")) {
      List<SearchHit> hits = search(q);
      assertTrue(hits.isEmpty() || hits.get(0).score() < HybridSearcher.ON_TOPIC,
          () -> q + ": top hit " + hits.get(0).title() + " scored " + hits.get(0).score());
    }
  }
}
