package xiaofa.knowledge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the power list (权责清单) in the column layout county lists use. Columns are found by header name, so their
 * order may differ; a row with a missing code or name, an unknown type, a duplicate code or the wrong number of
 * fields is reported with its file and line and skipped.
 */
public final class PowerListParser {
  /** The columns, in the order of the published layout. */
  public static final List<String> COLUMNS =
      List.of(
          "职权编码", "职权名称", "职权类型", "实施依据", "实施主体", "承办机构", "法定办理时限", "承诺办理时限", "收费标准", "申请材料", "办理渠道", "咨询方式",
          "责任事项", "追责情形");

  /** The power types a county list uses. */
  public static final Set<String> TYPES =
      Set.of("行政许可", "行政处罚", "行政强制", "行政检查", "行政确认", "行政给付", "行政奖励", "其他行政权力");

  static final Set<String> CHANNELS = Set.of("窗口办理", "网上办理", "不见面审批");
  private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

  private PowerListParser() {}

  /** One parsed row: the entry, or the problem that kept it out. */
  public record Row(int line, KnowledgeEntry entry, SourceProblem problem) {}

  /** Parses CSV text; every row that is not usable becomes a problem and the others are returned. */
  public static List<KnowledgeEntry> parse(String file, String text, List<SourceProblem> problems) {
    List<KnowledgeEntry> out = new ArrayList<>();
    for (Row r : parseRows(file, text, problems)) {
      if (r.entry() != null) {
        out.add(r.entry());
      } else {
        problems.add(r.problem());
      }
    }
    return out;
  }

  /**
   * Parses CSV text row by row (for the admin import preview). File-level problems (no header, a missing column)
   * go to {@code problems}; row problems come back in their {@link Row}.
   */
  public static List<Row> parseRows(String file, String text, List<SourceProblem> problems) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<Row> rows = new ArrayList<>();
    try (MappingIterator<String[]> it = CSV.readerFor(String[].class).readValues(text)) {
      if (!it.hasNextValue()) {
        problems.add(new SourceProblem(file, 1, "文件为空，缺少表头"));
        return rows;
      }
      String[] header = it.nextValue();
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        index.put(header[i].strip(), i);
      }
      List<String> missing = COLUMNS.stream().filter(c -> !index.containsKey(c)).toList();
      if (!missing.isEmpty()) {
        problems.add(new SourceProblem(file, 1, "表头缺少列：" + String.join("、", missing)));
        return rows;
      }
      Set<String> codes = new HashSet<>();
      while (true) {
        int line = it.getCurrentLocation().getLineNr();
        String[] values;
        try {
          if (!it.hasNextValue()) {
            break;
          }
          line = it.getCurrentLocation().getLineNr();
          values = it.nextValue();
        } catch (IOException | RuntimeException e) {
          rows.add(new Row(line, null, new SourceProblem(file, line, "CSV 格式错误（如引号未闭合），从此行起无法读取：" + rootMessage(e))));
          break;
        }
        if (values.length == 1 && values[0].isBlank()) {
          continue;
        }
        rows.add(row(file, line, values, header.length, index, codes));
      }
    } catch (IOException e) {
      problems.add(new SourceProblem(file, 0, "无法读取 CSV：" + rootMessage(e)));
    }
    return rows;
  }

  private static Row row(String file, int line, String[] values, int width, Map<String, Integer> index, Set<String> codes) {
    if (values.length != width) {
      return problem(file, line, "本行有 " + values.length + " 列，表头有 " + width + " 列（字段中的逗号需用双引号括起）");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String c : COLUMNS) {
      fields.put(c, values[index.get(c)].strip());
    }
    String code = fields.get("职权编码");
    String name = fields.get("职权名称");
    String type = fields.get("职权类型");
    if (code.isEmpty() || name.isEmpty()) {
      return problem(file, line, "职权编码和职权名称不能为空");
    }
    if (!TYPES.contains(type)) {
      return problem(file, line, "职权类型“" + type + "”无效，应为：" + String.join("、", TYPES.stream().sorted().toList()));
    }
    List<String> channels = split(fields.get("办理渠道"));
    for (String ch : channels) {
      if (!CHANNELS.contains(ch)) {
        return problem(file, line, "办理渠道“" + ch + "”无效，应为：窗口办理、网上办理、不见面审批");
      }
    }
    if (!codes.add(code)) {
      return problem(file, line, "职权编码 " + code + " 重复");
    }
    List<String> tags = new ArrayList<>();
    tags.add(type);
    tags.add(fields.get("承办机构"));
    tags.addAll(channels);
    tags.removeIf(String::isEmpty);
    KnowledgeEntry entry =
        new KnowledgeEntry(
            "power-" + code,
            EntryType.POWER,
            name,
            describe(fields),
            List.of(),
            null,
            type,
            tags,
            split(fields.get("实施依据")),
            null,
            null,
            null,
            fields,
            file + ":" + line);
    return new Row(line, entry, null);
  }

  /** The searchable text of an item: every column but the code, labelled. */
  private static String describe(Map<String, String> fields) {
    StringBuilder sb = new StringBuilder();
    fields.forEach(
        (k, v) -> {
          if (!k.equals("职权编码") && !k.equals("职权名称") && !v.isEmpty()) {
            sb.append(k).append('：').append(v).append('\n');
          }
        });
    return sb.toString().strip();
  }

  /** Splits a multi-valued column on ；; , or 、 is kept inside a value. */
  static List<String> split(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split("[；;]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static Row problem(String file, int line, String message) {
    return new Row(line, null, new SourceProblem(file, line, message));
  }

  private static String rootMessage(Throwable e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
