package xiaofa.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A message labelled urgent (with its kind) or ordinary, from {@code knowledge/routing/urgency.txt}: lines {@code
 * urgent<TAB>KIND<TAB>message} or {@code ordinary<TAB>-<TAB>message}; {@code #} comments. They teach the urgency
 * model beside the detector's rules; administrators add the misses they find in transcripts.
 */
public record UrgencyExample(boolean urgent, String kind, String text, String source) {
  public static final String FILE = "routing/urgency.txt";
  static final Set<String> KINDS = Set.of("VIOLENCE", "DOMESTIC_VIOLENCE", "SELF_HARM", "DETAINED", "DEADLINE", "PERSON_AT_RISK", "CROWD", "FRAUD_IN_PROGRESS");

  static List<UrgencyExample> parse(String file, String text, List<SourceProblem> problems) {
    List<UrgencyExample> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\t", 3);
      if (parts.length < 3 || parts[2].isBlank()) {
        problems.add(new SourceProblem(file, i + 1, "格式应为“urgent<TAB>类型<TAB>消息”或“ordinary<TAB>-<TAB>消息”"));
      } else if (parts[0].equals("urgent") && KINDS.contains(parts[1].strip())) {
        out.add(new UrgencyExample(true, parts[1].strip(), parts[2].strip(), file + ":" + (i + 1)));
      } else if (parts[0].equals("ordinary")) {
        out.add(new UrgencyExample(false, null, parts[2].strip(), file + ":" + (i + 1)));
      } else {
        problems.add(new SourceProblem(file, i + 1, "第一列应为 urgent 或 ordinary，紧急类型应为 " + String.join("、", KINDS.stream().sorted().toList()) + " 之一"));
      }
    }
    return out;
  }
}
