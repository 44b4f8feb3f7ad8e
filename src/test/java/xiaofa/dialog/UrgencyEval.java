package xiaofa.dialog;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import xiaofa.dialog.UrgencyDetector.Kind;
import xiaofa.dialog.UrgencyDetector.Urgency;
import xiaofa.dialog.UrgencySets.Labelled;

/**
 * Prints the detector's recall per kind and false-escalation rates on every evaluation set, for the README. Run from
 * the project folder:
 *
 * <pre>
 * mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) xiaofa.dialog.UrgencyEval [-v]
 * </pre>
 *
 * {@code -v} lists every miss, every false alarm and every urgent message filed under another kind.
 */
public final class UrgencyEval {
  private UrgencyEval() {}

  public static void main(String[] args) {
    boolean verbose = List.of(args).contains("-v");
    UrgencyDetector detector = new UrgencyDetector();
    List<Labelled> dev = UrgencySets.dev();
    System.out.println("== urgency-dev.txt (own development set)");
    recall(detector, dev.stream().filter(Labelled::urgent).toList(), verbose);
    falseEscalations(detector, dev.stream().filter(l -> !l.urgent()).map(Labelled::message).toList(), verbose);

    Optional<List<Labelled>> urgent = UrgencySets.heldOutUrgent();
    Optional<List<String>> ordinary = UrgencySets.heldOutOrdinary();
    System.out.println("== urgent-messages.txt / ordinary-messages.txt (other writer, held out)");
    urgent.ifPresentOrElse(u -> recall(detector, u, verbose), () -> System.out.println("  urgent-messages.txt absent"));
    ordinary.ifPresentOrElse(o -> falseEscalations(detector, o, verbose), () -> System.out.println("  ordinary-messages.txt absent"));

    System.out.println("== " + UrgencySets.LEGAL_QUESTIONS + " (real legal questions, all ordinary)");
    UrgencySets.legalQuestions()
        .ifPresentOrElse(q -> falseEscalations(detector, q, verbose), () -> System.out.println("  absent"));

    List<String> all = new ArrayList<>(dev.stream().map(Labelled::message).toList());
    UrgencySets.legalQuestions().ifPresent(all::addAll);
    for (int round = 0; round < 50; round++) {
      all.forEach(detector::detect);
    }
    long start = System.nanoTime();
    int calls = 0;
    for (int round = 0; round < 100; round++) {
      for (String m : all) {
        detector.detect(m);
        calls++;
      }
    }
    System.out.printf("== speed: %.1f µs per call after warm-up (%d calls over the own and legal-question messages)%n", (System.nanoTime() - start) / 1000.0 / calls, calls);
  }

  static double recall(UrgencyDetector detector, List<Labelled> urgent, boolean verbose) {
    Map<Kind, int[]> perKind = new EnumMap<>(Kind.class);
    int hits = 0;
    for (Labelled l : urgent) {
      Urgency u = detector.detect(l.message());
      int[] c = perKind.computeIfAbsent(l.kind(), k -> new int[3]);
      c[0]++;
      if (u.urgent()) {
        hits++;
        c[1]++;
        if (u.kinds().contains(l.kind())) {
          c[2]++;
        }
      } else if (verbose) {
        System.out.println("  MISS " + l.kind() + "\t" + l.message());
      }
      if (verbose && u.urgent() && !u.kinds().contains(l.kind())) {
        System.out.println("  other kind " + l.kind() + " -> " + u.kinds() + "\t" + l.message());
      }
    }
    double recall = (double) hits / urgent.size();
    System.out.printf("  recall %.3f (%d/%d)%n", recall, hits, urgent.size());
    perKind.forEach((k, c) -> System.out.printf("    %-18s recall %.3f (%d/%d), same kind named %d%n", k, (double) c[1] / c[0], c[1], c[0], c[2]));
    return recall;
  }

  static double falseEscalations(UrgencyDetector detector, List<String> ordinary, boolean verbose) {
    int alarms = 0;
    for (String m : ordinary) {
      Urgency u = detector.detect(m);
      if (u.urgent()) {
        alarms++;
        if (verbose) {
          System.out.println("  FALSE " + u.kinds() + "\t" + m);
        }
      }
    }
    double rate = (double) alarms / ordinary.size();
    System.out.printf("  false escalations %.3f (%d/%d)%n", rate, alarms, ordinary.size());
    return rate;
  }
}
