package xiaofa.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import xiaofa.knowledge.Category;

class LawCategoriesTest {

  @DisplayName("law articles map to categories as the shared data set's README labels its questions")
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      民法典           | 1    | general
      民法典           | 204  | general
      民法典           | 205  | land_housing
      民法典           | 386  | debt
      民法典           | 463  | contract_business
      民法典           | 577  | contract_business
      民法典           | 667  | debt
      民法典           | 702  | debt
      民法典           | 703  | land_housing
      民法典           | 735  | contract_business
      民法典           | 937  | land_housing
      民法典           | 951  | contract_business
      民法典           | 989  | tort_injury
      民法典           | 1040 | marriage_family
      民法典           | 1163 | marriage_family
      民法典           | 1164 | tort_injury
      民法典           | 1208 | traffic
      民法典           | 1217 | traffic
      民法典           | 1218 | tort_injury
      劳动合同法       | 30   | labor
      工伤保险条例     | 14   | labor
      道路交通安全法   | 76   | traffic
      治安管理处罚法   | 43   | criminal
      消费者权益保护法 | 55   | consumer
      农村土地承包法   | 27   | land_housing
      行政复议法       | 11   | administrative
      反家庭暴力法     | 23   | marriage_family
      法律援助法       | 31   | general
      """)
  void maps(String law, int article, String category) {
    assertEquals(Category.fromId(category), LawCategories.of(law, article));
  }

  @Test
  @DisplayName("民法典's 附则, unknown laws and no law map to nothing")
  void unmapped() {
    assertEquals(Optional.empty(), LawCategories.of("民法典", 1259));
    assertEquals(Optional.empty(), LawCategories.of("民法典", 0));
    assertEquals(Optional.empty(), LawCategories.of("中华人民共和国劳动合同法", 30));
    assertEquals(Optional.empty(), LawCategories.of("公司法", 1));
    assertEquals(Optional.empty(), LawCategories.of(null, 1));
  }

  @Test
  @DisplayName("every law of the shared corpus has a category")
  void everyCorpusLawIsMapped() throws Exception {
    Path laws = Path.of("../shared/data/laws");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(laws), "skipped: ../shared/data/laws is absent");
    try (Stream<Path> files = Files.list(laws)) {
      files.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".md") && !f.equals("README.md"))
          .map(f -> f.substring(0, f.indexOf('(')))
          .forEach(law -> assertEquals(true, LawCategories.of(law, 1).isPresent(), law));
    }
  }
}
