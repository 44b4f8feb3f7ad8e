package xiaofa.knowledge;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The colloquial → legal-term map ({@code synonyms.txt}: {@code 口语词, 另一说法 => 法律用语1, 法律用语2}). Applied at
 * query time: when a question contains a colloquial phrase, its legal terms are searched too. Matching is on the
 * normalised text, longest phrases first, so a phrase inside a longer matched one does not fire twice.
 */
public final class Synonyms {
  private final Map<String, List<String>> map;
  private final List<String> keysLongestFirst;

  private Synonyms(Map<String, List<String>> map) {
    this.map = Map.copyOf(map);
    this.keysLongestFirst = map.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed().thenComparing(k -> k)).toList();
  }

  public static Synonyms empty() {
    return new Synonyms(Map.of());
  }

  /** Parses the file's text; a malformed line is reported and skipped. */
  static Synonyms parse(String file, String text, List<SourceProblem> problems) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int arrow = line.indexOf("=>");
      if (arrow < 0) {
        problems.add(new SourceProblem(file, i + 1, "同义词行应为“口语词 => 法律用语”：" + line));
        continue;
      }
      List<String> from = terms(line.substring(0, arrow));
      List<String> to = terms(line.substring(arrow + 2));
      if (from.isEmpty() || to.isEmpty()) {
        problems.add(new SourceProblem(file, i + 1, "同义词行两边都不能为空：" + line));
        continue;
      }
      for (String f : from) {
        List<String> targets = map.computeIfAbsent(f, k -> new ArrayList<>());
        for (String t : to) {
          if (!t.equals(f) && !targets.contains(t)) {
            targets.add(t);
          }
        }
      }
    }
    map.values().removeIf(List::isEmpty);
    return new Synonyms(map);
  }

  private static List<String> terms(String side) {
    List<String> out = new ArrayList<>();
    for (String t : side.split("[,，、]")) {
      String n = normalise(t).strip();
      if (!n.isEmpty()) {
        out.add(n);
      }
    }
    return out;
  }

  /** Legal terms for the colloquial phrases found in {@code text}, without the ones already in it. */
  public List<String> expand(String text) {
    String t = normalise(text);
    boolean[] used = new boolean[t.length()];
    Set<String> out = new LinkedHashSet<>();
    for (String k : keysLongestFirst) {
      int from = 0;
      int at;
      while ((at = t.indexOf(k, from)) >= 0) {
        boolean free = true;
        for (int i = at; i < at + k.length(); i++) {
          free &= !used[i];
        }
        if (free) {
          for (int i = at; i < at + k.length(); i++) {
            used[i] = true;
          }
          for (String legal : map.get(k)) {
            if (!t.contains(legal)) {
              out.add(legal);
            }
          }
        }
        from = at + 1;
      }
    }
    return List.copyOf(out);
  }

  public int size() {
    return map.size();
  }

  /** NFKC (full-width letters and digits to half-width) and lower case. */
  static String normalise(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }
}
