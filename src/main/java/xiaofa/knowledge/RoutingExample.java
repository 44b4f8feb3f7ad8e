package xiaofa.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A question labelled with its routing category, from {@code knowledge/routing/*.txt}: one per line,
 * {@code category_id<TAB>question}; blank lines and lines starting with {@code #} are skipped. Administrators add
 * lines here to correct the classifier.
 */
public record RoutingExample(Category category, String text, String source) {

  static List<RoutingExample> parse(String file, String text, List<SourceProblem> problems) {
    List<RoutingExample> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      Optional<Category> category = Category.fromId(parts[0]);
      if (category.isEmpty()) {
        problems.add(new SourceProblem(file, i + 1, "未知的分类 “" + parts[0] + "”，应为 marriage_family、labor 等 11 个分类编号之一"));
      } else if (parts.length < 2 || parts[1].isBlank()) {
        problems.add(new SourceProblem(file, i + 1, "分类后缺少问题文字"));
      } else {
        out.add(new RoutingExample(category.get(), parts[1].strip(), file + ":" + (i + 1)));
      }
    }
    return out;
  }
}
