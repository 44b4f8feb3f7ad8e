package xiaofa.handoff;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import xiaofa.knowledge.Category;

/**
 * The sample roster of advisors, {@code knowledge/advisors.csv}, loaded into the database on first start (afterwards
 * the database, edited in the console, is the truth). Columns: {@code id,name,role,specialties,areas,capacity,duty,
 * fallback}; lists are separated by {@code |}.
 */
public final class Roster {
  public static final String FILE = "advisors.csv";

  private Roster() {}

  /** Parses every row; all errors are collected and thrown together, each naming its line, in Chinese. */
  public static List<Advisor> parse(String csv) {
    List<Advisor> out = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
      int line = 1;
      while (it.hasNext()) {
        line++;
        Map<String, String> row = it.next();
        try {
          out.add(advisor(row));
        } catch (IllegalArgumentException e) {
          errors.add("advisors.csv 第 " + line + " 行：" + e.getMessage());
        }
      }
    } catch (IOException | RuntimeException e) {
      errors.add("advisors.csv 无法解析：" + e.getMessage());
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("；", errors));
    }
    return out;
  }

  static Advisor advisor(Map<String, String> row) {
    String id = get(row, "id");
    String name = get(row, "name");
    Advisor.Role role = Advisor.Role.fromLabel(get(row, "role"))
        .orElseThrow(() -> new IllegalArgumentException("角色“" + row.get("role") + "”应为 村居法律顾问、法治志愿者、律师 或 调解员"));
    Set<Category> specialties = EnumSet.noneOf(Category.class);
    for (String s : list(get(row, "specialties"))) {
      specialties.add(Category.fromId(s).orElseThrow(() -> new IllegalArgumentException("专长“" + s + "”不是分类编号（labor、marriage_family 等）")));
    }
    Set<String> areas = new TreeSet<>(list(get(row, "areas")));
    int capacity;
    try {
      capacity = Integer.parseInt(get(row, "capacity"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("容量 capacity 应为整数");
    }
    if (capacity < 1 || capacity > 500) {
      throw new IllegalArgumentException("容量 capacity 应在 1 到 500 之间");
    }
    List<Advisor.DutySlot> duty = list(get(row, "duty")).stream().map(Advisor.DutySlot::parse).toList();
    String fallback = row.getOrDefault("fallback", "no").strip().toLowerCase(java.util.Locale.ROOT);
    if (!fallback.equals("yes") && !fallback.equals("no")) {
      throw new IllegalArgumentException("fallback 应为 yes 或 no");
    }
    if (specialties.isEmpty() || areas.isEmpty() || duty.isEmpty()) {
      throw new IllegalArgumentException("专长、负责区域和值班时间都不能为空");
    }
    return new Advisor(id, name, role, specialties, areas, capacity, duty, fallback.equals("yes"), true);
  }

  private static String get(Map<String, String> row, String column) {
    String v = row.get(column);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("缺少 " + column);
    }
    return v.strip();
  }

  private static List<String> list(String s) {
    return Arrays.stream(s.split("\\|")).map(String::strip).filter(x -> !x.isEmpty()).toList();
  }
}
