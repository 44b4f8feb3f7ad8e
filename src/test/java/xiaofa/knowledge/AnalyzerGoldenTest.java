package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden tokenisation of legal terms and residents' phrasing: smartcn words (with question filler removed) and
 * CJK bigrams. A change here changes what matches what; update the table only on purpose and bump {@link
 * IndexSchema#VERSION}.
 */
class AnalyzerGoldenTest {
  static Analyzer words;
  static Analyzer bigrams;

  @BeforeAll
  static void analyzers() {
    words = IndexSchema.wordAnalyzer();
    bigrams = IndexSchema.bigramAnalyzer();
  }

  @AfterAll
  static void close() {
    words.close();
    bigrams.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      劳动合同               | 劳动 合同                    | 劳动 动合 合同
      劳动报酬               | 劳动 报酬                    | 劳动 动报 报酬
      用人单位               | 用人 单位                    | 用人 人单 单位
      经济补偿               | 经济 补偿                    | 经济 济补 补偿
      宅基地                 | 宅基地                       | 宅基 基地
      土地承包经营权          | 土地 承包 经营权              | 土地 地承 承包 包经 经营 营权
      人身安全保护令          | 人身 安全 保护 令             | 人身 身安 安全 全保 保护 护令
      家庭暴力               | 家庭 暴力                    | 家庭 庭暴 暴力
      民间借贷               | 民间 借贷                    | 民间 间借 借贷
      法律援助               | 法律 援助                    | 法律 律援 援助
      人民调解               | 人民 调解                    | 人民 民调 调解
      行政复议               | 行政 复议                    | 行政 政复 复议
      工伤认定               | 工伤 认定                    | 工伤 伤认 认定
      交强险                 | 交 强 险                     | 交强 强险
      肇事逃逸               | 肇事 逃逸                    | 肇事 事逃 逃逸
      彩礼                   | 彩礼                         | 彩礼
      抚养费                 | 抚养费                       | 抚养 养费
      电信网络诈骗            | 电信 网络 诈骗                | 电信 信网 网络 络诈 诈骗
      不见面审批              | 不 见面 审批                  | 不见 见面 面审 审批
      政府信息公开            | 政府 信息 公开                | 政府 府信 信息 息公 公开
      老板拖欠工资三个月怎么办 | 老板 拖欠 工资 三 个 月        | 老板 板拖 拖欠 欠工 工资 资三 三个 个月 月怎 怎么 么办
      施工许可证去哪办        | 施工 许可证 去 办              | 施工 工许 许可 可证 证去 去哪 哪办
      宅基地被邻居占了        | 宅基地 被 邻居 占              | 宅基 基地 地被 被邻 邻居 居占 占了
      ＡＢＣ１２３            | abc 123                      | abc123
      12348                  | 12348                        | 12348
      """)
  @DisplayName("legal terms and questions tokenise as recorded")
  void golden(String text, String expectedWords, String expectedBigrams) throws IOException {
    assertEquals(Arrays.asList(expectedWords.split(" ")), tokens(words, text), "smartcn words");
    assertEquals(Arrays.asList(expectedBigrams.split(" ")), tokens(bigrams, text), "bigrams");
  }

  static List<String> tokens(Analyzer a, String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = a.tokenStream("f", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    }
    return out;
  }
}
