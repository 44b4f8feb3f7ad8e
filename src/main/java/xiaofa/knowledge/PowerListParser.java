package xiaofa.knowledge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the power list (权责清单) in the column layout county lists use, from a CSV file of the knowledge folder or
 * from a table an administrator uploads (CSV or a spreadsheet, {@link PowerListSheet}). Both go through the same
 * header check ({@link #columns}) and the same per-row rules ({@link #validate}), so a row the import preview accepts
 * is a row the knowledge loader accepts. Columns are found by header name, so their order may differ; a row with a
 * missing code or name, an unusable code, an unknown type or channel, a duplicate code or the wrong number of fields
 * is reported with its line (and the column at fault) and skipped.
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

  /** The longest cell kept; longer text is a mistake in the sheet (a whole document pasted into one cell). */
  public static final int MAX_CELL = 4000;

  static final Set<String> CHANNELS = Set.of("窗口办理", "网上办理", "不见面审批");
  /** A code becomes part of an id and of a page's address ({@code /kb/power-XK-001}). */
  private static final Pattern CODE = Pattern.compile("[\\p{IsHan}A-Za-z0-9][\\p{IsHan}A-Za-z0-9._()（）-]{0,59}");
  private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

  private PowerListParser() {}

  /** What is wrong with one row: the column at fault (null for the whole row) and a message saying what to fix. */
  public record CellError(String column, String message) {}

  /** One parsed row: the entry, or the errors that kept it out ({@code fields} as read, for previews). */
  public record Row(int line, Map<String, String> fields, KnowledgeEntry entry, List<CellError> errors) {
    public Row {
      errors = List.copyOf(errors);
    }

    /** The errors as one problem of {@code file}, in the words of the knowledge loader. */
    public SourceProblem problem(String file) {
      return new SourceProblem(file, line, String.join("；", errors.stream().map(CellError::message).toList()));
    }
  }

  /**
   * A table before validation: the header cells and the data rows with the line (CSV) or row number (spreadsheet) a
   * person finds them at. {@code rowWidthFixed}: every row must have as many cells as the header (CSV, where a stray
   * comma shifts every later column); a spreadsheet's rows simply end at their last filled cell.
   */
  public record Table(List<String> header, List<TableRow> rows, boolean rowWidthFixed) {}

  /** One data row of a {@link Table}; {@code error} is set when the row could not be read at all. */
  public record TableRow(int line, List<String> cells, String error) {}

  /** Parses CSV text; every row that is not usable becomes a problem and the others are returned. */
  public static List<KnowledgeEntry> parse(String file, String text, List<SourceProblem> problems) {
    List<KnowledgeEntry> out = new ArrayList<>();
    for (Row r : rows(file, readCsv(file, text, problems), problems)) {
      if (r.entry() != null) {
        out.add(r.entry());
      } else {
        problems.add(r.problem(file));
      }
    }
    return out;
  }

  /**
   * Validates every row of a table (from a CSV file or an uploaded sheet). Header problems (a missing column) go to
   * {@code problems} and no rows come back; row problems come back in their {@link Row}.
   */
  public static List<Row> rows(String source, Table table, List<SourceProblem> problems) {
    if (table == null) {
      return List.of();
    }
    Map<String, Integer> index = columns(table.header());
    List<String> missing = missingColumns(index);
    if (!missing.isEmpty()) {
      problems.add(new SourceProblem(source, 1, "表头缺少列：" + String.join("、", missing)));
      return List.of();
    }
    List<Row> rows = new ArrayList<>();
    Map<String, Integer> codes = new HashMap<>();
    for (TableRow r : table.rows()) {
      if (r.error() != null) {
        rows.add(new Row(r.line(), Map.of(), null, List.of(new CellError(null, r.error()))));
      } else if (table.rowWidthFixed() && r.cells().size() != table.header().size()) {
        rows.add(new Row(r.line(), Map.of(), null,
            List.of(new CellError(null, "本行有 " + r.cells().size() + " 列，表头有 " + table.header().size() + " 列（字段中的逗号需用双引号括起）"))));
      } else {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String c : COLUMNS) {
          int i = index.get(c);
          fields.put(c, i < r.cells().size() && r.cells().get(i) != null ? r.cells().get(i).strip() : "");
        }
        rows.add(row(source, r.line(), fields, codes));
      }
    }
    return rows;
  }

  /** The entries of rows already validated once (an import stored in the database); rows that fail now are problems. */
  public static List<KnowledgeEntry> entries(String source, List<AdminKnowledge.PowerListRow> rows, List<SourceProblem> problems) {
    List<KnowledgeEntry> out = new ArrayList<>();
    Map<String, Integer> codes = new HashMap<>();
    for (AdminKnowledge.PowerListRow r : rows) {
      Row row = row(source, r.row(), r.fields(), codes);
      if (row.entry() != null) {
        out.add(row.entry());
      } else {
        problems.add(row.problem(source));
      }
    }
    return out;
  }

  /** Header cell → position, names trimmed (also of full-width spaces and line breaks inside the cell). */
  public static Map<String, Integer> columns(List<String> header) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i) == null ? "" : header.get(i).replaceAll("[\\s\u3000]", "");
      if (!name.isEmpty()) {
        index.putIfAbsent(name, i);
      }
    }
    return index;
  }

  /** The required columns a header lacks, in layout order. */
  public static List<String> missingColumns(Map<String, Integer> index) {
    return COLUMNS.stream().filter(c -> !index.containsKey(c)).toList();
  }

  /**
   * The rules a row must satisfy, cell by cell: code and name present, the code usable in an address, a known type and
   * known channels, no cell over {@link #MAX_CELL} characters. Duplicate codes are checked across rows by the callers.
   */
  public static List<CellError> validate(Map<String, String> fields) {
    List<CellError> errors = new ArrayList<>();
    String code = fields.getOrDefault("职权编码", "");
    if (code.isEmpty()) {
      errors.add(new CellError("职权编码", "职权编码不能为空"));
    } else if (!CODE.matcher(code).matches()) {
      errors.add(new CellError("职权编码", "职权编码“" + code + "”只能由汉字、字母、数字和 . _ - ( ) 组成，不超过 60 个字符，如 XK-001"));
    }
    if (fields.getOrDefault("职权名称", "").isEmpty()) {
      errors.add(new CellError("职权名称", "职权名称不能为空"));
    }
    String type = fields.getOrDefault("职权类型", "");
    if (!TYPES.contains(type)) {
      errors.add(new CellError("职权类型", (type.isEmpty() ? "职权类型不能为空" : "职权类型“" + type + "”无效") + "，应为："
          + String.join("、", TYPES.stream().sorted().toList())));
    }
    for (String ch : split(fields.get("办理渠道"))) {
      if (!CHANNELS.contains(ch)) {
        errors.add(new CellError("办理渠道", "办理渠道“" + ch + "”无效，应为：窗口办理、网上办理、不见面审批（多个用“；”分隔）"));
        break;
      }
    }
    for (String c : COLUMNS) {
      String v = fields.getOrDefault(c, "");
      if (v.length() > MAX_CELL) {
        errors.add(new CellError(c, c + "过长（" + v.length() + " 字），每格不超过 " + MAX_CELL + " 字"));
      }
    }
    return errors;
  }

  private static Row row(String file, int line, Map<String, String> fields, Map<String, Integer> codes) {
    List<CellError> errors = new ArrayList<>(validate(fields));
    String code = fields.get("职权编码");
    if (errors.isEmpty()) {
      Integer first = codes.putIfAbsent(code, line);
      if (first != null) {
        errors.add(new CellError("职权编码", "职权编码 " + code + " 重复（第 " + first + " 行已有）"));
      }
    }
    if (!errors.isEmpty()) {
      return new Row(line, fields, null, errors);
    }
    String type = fields.get("职权类型");
    List<String> channels = split(fields.get("办理渠道"));
    List<String> tags = new ArrayList<>();
    tags.add(type);
    tags.add(fields.get("承办机构"));
    tags.addAll(channels);
    tags.removeIf(String::isEmpty);
    KnowledgeEntry entry =
        new KnowledgeEntry(
            "power-" + code,
            EntryType.POWER,
            fields.get("职权名称"),
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
    return new Row(line, fields, entry, List.of());
  }

  /**
   * Reads CSV text into a {@link Table}: the first record is the header; blank lines are skipped; a record that
   * breaks the CSV syntax (an unclosed quote) ends the table with an error row at its line. File-level problems (no
   * header, unreadable) go to {@code problems} and give null.
   */
  public static Table readCsv(String file, String text, List<SourceProblem> problems) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<TableRow> rows = new ArrayList<>();
    try (MappingIterator<String[]> it = CSV.readerFor(String[].class).readValues(text)) {
      if (!it.hasNextValue()) {
        problems.add(new SourceProblem(file, 1, "文件为空，缺少表头"));
        return null;
      }
      List<String> header = List.of(it.nextValue());
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
          rows.add(new TableRow(line, List.of(), "CSV 格式错误（如引号未闭合），从此行起无法读取：" + rootMessage(e)));
          break;
        }
        if (values.length == 1 && values[0].isBlank()) {
          continue;
        }
        rows.add(new TableRow(line, Arrays.asList(values), null));
      }
      return new Table(header, rows, true);
    } catch (IOException e) {
      problems.add(new SourceProblem(file, 0, "无法读取 CSV：" + rootMessage(e)));
      return null;
    }
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

  private static String rootMessage(Throwable e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
