package xiaofa.dialog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import xiaofa.knowledge.BgeSmallZhEmbedder;
import xiaofa.knowledge.KnowledgeBase;
import xiaofa.knowledge.KnowledgeSources;
import xiaofa.knowledge.RoutingExample;

/**
 * Urgency on messages the model never saw: trains the embedding model on {@code knowledge/routing/urgency.txt} (and
 * the routing examples as ordinary messages), then prints the share flagged urgent by the rules, the model and both
 * together at several thresholds — recall on urgent sets, false escalations on ordinary ones — for the second
 * writer's set, the blind third writer's set and the dev legal questions. Run: {@code bench/urgency-eval.sh}.
 */
public final class UrgencyModelEval {
  record Named(String name, List<String> messages) {}

  public static void main(String[] args) {
    BgeSmallZhEmbedder embedder = new BgeSmallZhEmbedder();
    KnowledgeBase kb = new KnowledgeSources(Optional.of(Path.of("knowledge")), Optional.empty(), "eval").load();
    List<String> routing = kb.routingExamples().stream().map(RoutingExample::text).map(TextNormaliser::normalise).toList();
    long t0 = System.nanoTime();
    UrgencyModel model = UrgencyModel.train(kb.urgencyExamples(), routing, texts -> texts.stream().map(embedder::embedQuery).toList());
    System.out.printf(Locale.ROOT, "trained on %d urgency examples + %d routing examples in %.1f s%n%n",
        kb.urgencyExamples().size(), routing.size(), (System.nanoTime() - t0) / 1e9);
    UrgencyDetector rules = new UrgencyDetector();
    List<Named> sets = new ArrayList<>();
    UrgencySets.heldOutUrgent().ifPresent(u -> sets.add(new Named("second writer, urgent (recall)", u.stream().map(UrgencySets.Labelled::message).toList())));
    UrgencySets.heldOutOrdinary().ifPresent(o -> sets.add(new Named("second writer, ordinary (false escalations)", o)));
    UrgencySets.blind(true).ifPresent(u -> sets.add(new Named("blind third writer, urgent (recall)", u)));
    UrgencySets.blind(false).ifPresent(o -> sets.add(new Named("blind third writer, ordinary (false escalations)", o)));
    UrgencySets.legalQuestions().ifPresent(q -> sets.add(new Named("dev legal questions (false escalations)", q)));
    UrgencySets.offTopicBlind().ifPresent(o -> sets.add(new Named("blind off-topic and small talk (false escalations)", o)));
    double[] thresholds = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    StringBuilder head = new StringBuilder("| set | n | rules |");
    for (double t : thresholds) {
      head.append(String.format(Locale.ROOT, " model ≥%.1f | rules or model ≥%.1f |", t, t));
    }
    System.out.println(head);
    for (Named s : sets) {
      int n = s.messages().size();
      int ruleHits = 0;
      int[] modelHits = new int[thresholds.length];
      int[] bothHits = new int[thresholds.length];
      for (String m : s.messages()) {
        boolean r = rules.detect(m).urgent();
        double p = model.probability(embedder.embedQuery(m));
        ruleHits += r ? 1 : 0;
        for (int i = 0; i < thresholds.length; i++) {
          modelHits[i] += p >= thresholds[i] ? 1 : 0;
          bothHits[i] += r || p >= thresholds[i] ? 1 : 0;
        }
      }
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %.3f |", s.name(), n, ruleHits / (double) n));
      for (int i = 0; i < thresholds.length; i++) {
        row.append(String.format(Locale.ROOT, " %.3f | %.3f |", modelHits[i] / (double) n, bothHits[i] / (double) n));
      }
      System.out.println(row);
    }
    // how close each set's messages come to the nearest urgent training example: the guard against messages far from
    // anything the model was trained on (small talk), where a linear model extrapolates
    double[] guards = {0.0, 0.5, 0.55, 0.6, 0.65, 0.7};
    StringBuilder g = new StringBuilder(String.format(Locale.ROOT, "%n| set | n | similarity p10 | p50 |"));
    for (double t : guards) {
      g.append(String.format(Locale.ROOT, " rules or (model ≥%.1f and similarity ≥%.2f) |", UrgencyModel.THRESHOLD, t));
    }
    System.out.println(g);
    for (Named s : sets) {
      int n = s.messages().size();
      double[] sims = new double[n];
      int[] hits = new int[guards.length];
      for (int k = 0; k < n; k++) {
        String m = s.messages().get(k);
        float[] v = embedder.embedQuery(m);
        boolean r = rules.detect(m).urgent();
        double p = model.probability(v);
        sims[k] = model.similarityToUrgent(v);
        for (int i = 0; i < guards.length; i++) {
          hits[i] += r || (p >= UrgencyModel.THRESHOLD && sims[k] >= guards[i]) ? 1 : 0;
        }
      }
      double[] sorted = sims.clone();
      java.util.Arrays.sort(sorted);
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f |", s.name(), n, sorted[n / 10], sorted[n / 2]));
      for (int i = 0; i < guards.length; i++) {
        row.append(String.format(Locale.ROOT, " %.3f |", hits[i] / (double) n));
      }
      System.out.println(row);
    }
  }
}
