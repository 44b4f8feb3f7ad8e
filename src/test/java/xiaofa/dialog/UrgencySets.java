package xiaofa.dialog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import xiaofa.dialog.UrgencyDetector.Kind;

/**
 * The evaluation sets for {@link UrgencyDetector}, shared by its test and {@link UrgencyEval}. Every message goes through
 * {@link TextNormaliser} first, as in production.
 *
 * <ul>
 *   <li>{@code knowledge/routing/urgency.txt}: our development set (also the urgency model's training data) ({@code urgent<TAB>KIND<TAB>message} or
 *       {@code ordinary<TAB>-<TAB>message}).
 *   <li>{@code dialog/urgent-messages.txt} ({@code KIND<TAB>message}) and {@code dialog/ordinary-messages.txt} (one
 *       message a line): written independently by another writer and used as a held-out check, never tuned to line by
 *       line.
 *   <li>{@code ../shared/data/legal-questions-dev.jsonl}: 447 real legal questions, all ordinary, outside the repository.
 * </ul>
 */
final class UrgencySets {
  static final Path LEGAL_QUESTIONS = Path.of("..", "shared", "data", "legal-questions-dev.jsonl");

  /** One labelled message; {@code kind} is null for an ordinary one. */
  record Labelled(boolean urgent, Kind kind, String message) {}

  private UrgencySets() {}

  static List<Labelled> dev() {
    List<Labelled> out = new ArrayList<>();
    List<String> lines;
    try {
      lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("knowledge/routing/urgency.txt"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", 3);
      if (f.length != 3 || !(f[0].equals("urgent") || f[0].equals("ordinary"))) {
        throw new IllegalArgumentException("bad line in knowledge/routing/urgency.txt: " + line);
      }
      boolean urgent = f[0].equals("urgent");
      out.add(new Labelled(urgent, urgent ? Kind.valueOf(f[1]) : null, TextNormaliser.normalise(f[2])));
    }
    return out;
  }

  /** The other writer's urgent messages, when the file is there. */
  static Optional<List<Labelled>> heldOutUrgent() {
    return lines("dialog/urgent-messages.txt")
        .map(
            ls ->
                ls.stream()
                    .map(
                        line -> {
                          String[] f = line.split("\t", 2);
                          if (f.length != 2) {
                            throw new IllegalArgumentException("bad line in urgent-messages.txt: " + line);
                          }
                          return new Labelled(true, Kind.valueOf(f[0].strip()), TextNormaliser.normalise(f[1]));
                        })
                    .toList());
  }

  /** The other writer's ordinary messages, when the file is there. */
  static Optional<List<String>> heldOutOrdinary() {
    return lines("dialog/ordinary-messages.txt").map(ls -> ls.stream().map(TextNormaliser::normalise).toList());
  }

  /** The questions of the shared legal-questions dev set, when {@code ../shared} is there. */
  static Optional<List<String>> legalQuestions() {
    if (!Files.isRegularFile(LEGAL_QUESTIONS)) {
      return Optional.empty();
    }
    ObjectMapper json = new ObjectMapper();
    try {
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(LEGAL_QUESTIONS, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          JsonNode row = json.readTree(line);
          out.add(TextNormaliser.normalise(row.get("question").asText()));
        }
      }
      return Optional.of(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The blind third writer's set ({@code dialog/urgent-blind.txt}, {@code KIND<TAB>message}; {@code
   * dialog/ordinary-blind.txt}), written without seeing the rules or the other sets; messages only.
   */
  static Optional<List<String>> blind(boolean urgent) {
    return lines(urgent ? "dialog/urgent-blind.txt" : "dialog/ordinary-blind.txt").map(ls -> ls.stream()
        .map(l -> urgent ? l.substring(l.indexOf('\t') + 1) : l)
        .map(TextNormaliser::normalise).toList());
  }

  /**
   * A fourth writer's small talk, off-topic and everyday questions ({@code dialog/offtopic-blind.txt}), written blind
   * like the third's and never tuned on: what a linear model on embeddings may extrapolate to urgent.
   */
  static Optional<List<String>> offTopicBlind() {
    return lines("dialog/offtopic-blind.txt").map(ls -> ls.stream().map(TextNormaliser::normalise).toList());
  }

  /** Non-blank, non-comment lines of a test resource, or empty when it does not exist. */
  private static Optional<List<String>> lines(String resource) {
    try (InputStream in = UrgencySets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.isBlank() && !l.startsWith("#"))
              .toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
