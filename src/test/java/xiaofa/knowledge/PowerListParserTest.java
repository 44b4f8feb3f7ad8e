package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PowerListParserTest {
  static final String HEADER = String.join(",", PowerListParser.COLUMNS);

  static String row(String code, String name, String type, String channels) {
    return String.join(",", code, name, type, "\"《中华人民共和国建筑法》第七条；《建筑工程施工许可管理办法》第二条\"", "平江高新区管理委员会",
        "规划建设局", "15个工作日", "5个工作日", "不收费", "申请表；施工合同", channels, "0730-0000xxxx（示例）", "受理责任；审查责任", "违法收费的");
  }

  @Test
  @DisplayName("a well-formed row becomes a power entry with every column kept in order")
  void parsesRow() {
    List<SourceProblem> problems = new ArrayList<>();
    List<KnowledgeEntry> e = PowerListParser.parse("power-list/a.csv", HEADER + "\n" + row("XK-001", "建筑工程施工许可证核发", "行政许可", "网上办理；不见面审批") + "\n", problems);
    assertEquals(List.of(), problems);
    KnowledgeEntry p = e.get(0);
    assertEquals("power-XK-001", p.id());
    assertEquals(EntryType.POWER, p.type());
    assertEquals("建筑工程施工许可证核发", p.title());
    assertEquals(PowerListParser.COLUMNS, List.copyOf(p.fields().keySet()));
    assertEquals(List.of("《中华人民共和国建筑法》第七条", "《建筑工程施工许可管理办法》第二条"), p.basis());
    assertTrue(p.tags().containsAll(List.of("行政许可", "规划建设局", "网上办理", "不见面审批")));
    assertTrue(p.body().contains("承诺办理时限：5个工作日"));
    assertEquals("power-list/a.csv:2", p.source());
  }

  @Test
  @DisplayName("malformed rows are reported with file and line, and the other rows are still read")
  void malformedRows() {
    String csv = HEADER + "\n"
        + row("XK-001", "甲", "行政许可", "窗口办理") + "\n"
        + "XK-002,只有三列,行政许可\n"
        + row("XK-003", "丙", "行政审查", "窗口办理") + "\n"
        + row("XK-001", "重复编码", "行政许可", "窗口办理") + "\n"
        + row("XK-004", "丁", "行政许可", "邮寄办理") + "\n"
        + row("", "无编码", "行政许可", "窗口办理") + "\n"
        + row("XK-005", "戊", "行政处罚", "窗口办理") + "\n";
    List<SourceProblem> problems = new ArrayList<>();
    List<KnowledgeEntry> e = PowerListParser.parse("power-list/a.csv", csv, problems);
    assertEquals(List.of("power-XK-001", "power-XK-005"), e.stream().map(KnowledgeEntry::id).toList());
    assertEquals(List.of(3, 4, 5, 6, 7), problems.stream().map(SourceProblem::line).toList());
    assertTrue(problems.stream().allMatch(p -> p.file().equals("power-list/a.csv")));
    assertTrue(problems.get(0).message().contains("3 列"), problems.get(0).message());
    assertTrue(problems.get(1).message().contains("行政审查"));
    assertTrue(problems.get(2).message().contains("重复"));
    assertTrue(problems.get(3).message().contains("邮寄办理"));
  }

  @Test
  @DisplayName("a quoted field may hold commas and line breaks, and the line numbers after it stay right")
  void quotedFields() {
    String csv = HEADER + "\n"
        + row("XK-001", "\"甲,含逗号\n和换行\"", "行政许可", "窗口办理") + "\n"
        + "XK-009,坏行\n";
    List<SourceProblem> problems = new ArrayList<>();
    List<KnowledgeEntry> e = PowerListParser.parse("a.csv", csv, problems);
    assertEquals("甲,含逗号\n和换行", e.get(0).title());
    assertEquals(4, problems.get(0).line());
  }

  @Test
  @DisplayName("a header without the required columns is one clear problem; columns may come in another order")
  void header() {
    List<SourceProblem> problems = new ArrayList<>();
    assertEquals(List.of(), PowerListParser.parse("a.csv", "职权编码,职权名称\nXK-1,甲\n", problems));
    assertTrue(problems.get(0).message().startsWith("表头缺少列："));
    assertEquals(1, problems.get(0).line());

    List<String> reversed = new ArrayList<>(PowerListParser.COLUMNS);
    java.util.Collections.reverse(reversed);
    List<String> values = new ArrayList<>(List.of("XK-1", "甲", "行政许可", "", "", "", "", "", "", "", "窗口办理", "", "", ""));
    java.util.Collections.reverse(values);
    problems.clear();
    List<KnowledgeEntry> e = PowerListParser.parse("b.csv", "\uFEFF" + String.join(",", reversed) + "\n" + String.join(",", values) + "\n", problems);
    assertEquals(List.of(), problems);
    assertEquals("甲", e.get(0).title());
  }

  @Test
  @DisplayName("an unterminated quote stops reading with a problem at its line; rows before it are kept")
  void brokenQuote() {
    String csv = HEADER + "\n" + row("XK-001", "甲", "行政许可", "窗口办理") + "\n" + "XK-002,\"未闭合的引号,行政许可\n";
    List<SourceProblem> problems = new ArrayList<>();
    List<KnowledgeEntry> e = PowerListParser.parse("a.csv", csv, problems);
    assertEquals(1, e.size());
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).line() >= 3, problems.toString());
  }
  @Test
  @DisplayName("rows of an uploaded sheet are checked by the same rules, each error naming its column; short rows are padded")
  void sheetRows() {
    List<String> header = new ArrayList<>(PowerListParser.COLUMNS);
    List<String> good = new ArrayList<>(java.util.Collections.nCopies(14, ""));
    good.set(header.indexOf("职权编码"), "XK-001");
    good.set(header.indexOf("职权名称"), "甲");
    good.set(header.indexOf("职权类型"), "行政许可");
    List<String> bad = new ArrayList<>(good);
    bad.set(header.indexOf("职权编码"), "XK 002/3");
    bad.set(header.indexOf("职权名称"), "");
    bad.set(header.indexOf("办理渠道"), "邮寄办理");
    List<String> duplicate = new ArrayList<>(good);
    // a spreadsheet row ends at its last filled cell
    List<String> shortRow = List.of("XK-004", "丁", "行政许可");
    PowerListParser.Table table = new PowerListParser.Table(header, List.of(
        new PowerListParser.TableRow(2, good, null), new PowerListParser.TableRow(3, bad, null), new PowerListParser.TableRow(4, duplicate, null),
        new PowerListParser.TableRow(5, shortRow, null)), false);
    List<SourceProblem> problems = new ArrayList<>();
    List<PowerListParser.Row> rows = PowerListParser.rows("清单.xlsx", table, problems);
    assertEquals(List.of(), problems);
    assertEquals("power-XK-001", rows.get(0).entry().id());
    assertEquals(List.of("职权编码", "职权名称", "办理渠道"), rows.get(1).errors().stream().map(PowerListParser.CellError::column).toList());
    assertTrue(rows.get(2).errors().get(0).message().contains("第 2 行已有"), rows.get(2).errors().toString());
    assertEquals("职权编码", rows.get(2).errors().get(0).column());
    assertEquals("power-XK-004", rows.get(3).entry().id());
    assertEquals("", rows.get(3).entry().fields().get("追责情形"));
  }
}
