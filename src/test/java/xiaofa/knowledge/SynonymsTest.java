package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SynonymsTest {
  private static final String FILE = """
      # 劳动
      老板 => 用人单位
      工钱, 工资 => 劳动报酬
      拖欠工资 => 拖欠劳动报酬, 欠薪
      这一行没有箭头
      =>
      ＡＢＣ => 测试
      """;

  @Test
  @DisplayName("colloquial phrases in a question add their legal terms, longest phrase first")
  void expands() {
    List<SourceProblem> problems = new ArrayList<>();
    Synonyms s = Synonyms.parse("synonyms.txt", FILE, problems);
    assertEquals(List.of("拖欠劳动报酬", "欠薪", "用人单位"), s.expand("老板拖欠工资三个月"));
    assertEquals(List.of("劳动报酬"), s.expand("工钱什么时候发"));
    assertEquals(List.of(), s.expand("用人单位不给劳动报酬"), "terms already in the question are not added");
    assertEquals(List.of("测试"), s.expand("abc"), "full-width and case are folded");
    assertEquals(List.of(5, 6), problems.stream().map(SourceProblem::line).toList());
  }
}
