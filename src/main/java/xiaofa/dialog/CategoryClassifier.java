package xiaofa.dialog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import xiaofa.knowledge.Category;
import xiaofa.knowledge.EntryType;
import xiaofa.knowledge.KnowledgeBase;
import xiaofa.knowledge.KnowledgeEntry;
import xiaofa.knowledge.RoutingExample;
import xiaofa.knowledge.SearchHit;

/**
 * Routes a resident's question into one of the 11 {@link Category categories}.
 *
 * <p>A multinomial logistic regression over hashed character unigrams and bigrams (Chinese has no spaces) is trained
 * on the knowledge base: the labelled routing examples, the publicity Q&As (by their {@code category}), the power list
 * and disclosure pages (administrative) and the law articles (by {@link LawCategories}). At question time the law
 * articles among the search hits the dialog retrieved anyway vote with their categories: retrieval finds the articles
 * a lawyer would cite even when the resident's words are not the law's. (The other hits do not vote: the model has
 * learnt those entries' words already, and their vote did not help on the development questions.) A temperature
 * makes the result a calibrated probability.
 *
 * <p>Immutable and thread-safe: build one per knowledge generation with {@link #train} (blocking, about a second with
 * the law corpus) and share it; {@link #classify} does no I/O and takes microseconds.
 */
public final class CategoryClassifier {
  private static final Category[] CATEGORIES = Category.values();
  private static final int K = CATEGORIES.length;
  private static final int DIMENSION = 1 << 17;

  /**
   * The tunables.
   *
   * <p>Training: a routing example, an entry's title or one of its questions weighs 1; {@code bodyWeight} is the
   * weight of the body of a publicity, power or disclosure entry, {@code lawWeight} of a law article (formal language,
   * and far more of them than of anything else); {@code classBalance} in [0, 1] evens out the categories' total
   * weights (1: equal), so that the 400-odd contract articles of 民法典 do not outweigh everything else.
   *
   * <p>Question time: without law hits, the model's scores are divided by {@code textTemperature}; with law hits, by
   * {@code temperature}, plus {@code lawHitWeight} times the logarithm of the law hits' category shares
   * (score-weighted, each category smoothed by {@code hitSmoothing}). The two temperatures differ because the vote
   * brings confidence of its own, so the model's part must be softer when it is there.
   *
   * <p>The four question-time constants were fitted on the development questions (bench/routing-eval.sh --sweep:
   * accuracy, then log-likelihood and calibration error) and rounded; the training constants are round values that did
   * as well as any on the same sweep. So few numbers hardly over-fit 447 questions, and the optimum is flat (the
   * sweep also prints accuracy on odd and even ids); the held-out set will tell.
   */
  record Tuning(
      double lawWeight,
      double bodyWeight,
      double classBalance,
      double regularisation,
      int epochs,
      double learningRate,
      double textTemperature,
      double temperature,
      double lawHitWeight,
      double hitSmoothing) {
    static final Tuning DEFAULT = new Tuning(0.3, 1.0, 1.0, 1e-5, 12, 0.5, 0.75, 1.0, 0.6, 0.3);
  }

  /**
   * The category of a question, its calibrated probability (≈ the chance that the category is right) and the
   * probabilities of all 11 categories, which sum to 1.
   */
  public record Prediction(Category category, double confidence, Map<Category, Double> probabilities) {
    public Prediction {
      probabilities = Collections.unmodifiableMap(new EnumMap<>(probabilities));
    }
  }

  /** A labelled training text and its weight. */
  record Doc(String text, Category category, double weight) {}

  private final float[][] weights;
  private final float[] idf;
  private final Map<String, Category> entryCategories;
  private final Tuning tuning;

  private CategoryClassifier(float[][] weights, float[] idf, Map<String, Category> entryCategories, Tuning tuning) {
    this.weights = weights;
    this.idf = idf;
    this.entryCategories = entryCategories;
    this.tuning = tuning;
  }

  /** Trains on the routing examples and entries of {@code kb}. Blocking; deterministic. */
  public static CategoryClassifier train(KnowledgeBase kb) {
    return train(kb, Tuning.DEFAULT);
  }

  static CategoryClassifier train(KnowledgeBase kb, Tuning tuning) {
    List<Doc> docs = documents(kb, tuning);
    List<Vector> xs = new ArrayList<>(docs.size());
    // document frequencies weighted like the documents, so that 3,000 law articles do not decide which words are common
    float[] df = new float[DIMENSION];
    double total = 0;
    double[] classTotals = new double[K];
    for (Doc d : docs) {
      Vector v = Vector.counts(TextNormaliser.normalise(d.text()));
      xs.add(v);
      for (int f : v.index) {
        df[f] += d.weight();
      }
      total += d.weight();
      classTotals[d.category().ordinal()] += d.weight();
    }
    float[] idf = new float[DIMENSION];
    for (int f = 0; f < DIMENSION; f++) {
      idf[f] = (float) (Math.log((total + 1) / (df[f] + 1)) + 1);
    }
    xs.replaceAll(v -> v.weighted(idf));
    double mean = Arrays.stream(classTotals).filter(t -> t > 0).average().orElse(1);
    double[] sampleWeights = new double[docs.size()];
    for (int i = 0; i < docs.size(); i++) {
      Doc d = docs.get(i);
      sampleWeights[i] = d.weight() * Math.pow(mean / classTotals[d.category().ordinal()], tuning.classBalance());
    }
    float[][] w = new float[K][DIMENSION];
    sgd(xs, docs, sampleWeights, w, tuning);
    return new CategoryClassifier(w, idf, entryCategories(kb), tuning);
  }

  /** The training documents: the routing examples, and the titles, questions and bodies of the entries, weighted. */
  static List<Doc> documents(KnowledgeBase kb, Tuning tuning) {
    List<Doc> docs = new ArrayList<>();
    for (RoutingExample r : kb.routingExamples()) {
      docs.add(new Doc(r.text(), r.category(), 1.0));
    }
    for (KnowledgeEntry e : kb.entries()) {
      Optional<Category> category = categoryOf(e);
      if (category.isEmpty()) {
        continue;
      }
      Category c = category.get();
      if (e.type() == EntryType.LAW) {
        docs.add(new Doc((e.chapter() == null ? "" : e.chapter() + "\n") + e.body(), c, tuning.lawWeight()));
        continue;
      }
      docs.add(new Doc(e.title(), c, 1.0));
      e.questions().forEach(q -> docs.add(new Doc(q, c, 1.0)));
      docs.add(new Doc(String.join(" ", e.tags()) + "\n" + e.body(), c, tuning.bodyWeight()));
    }
    return docs;
  }

  private static Map<String, Category> entryCategories(KnowledgeBase kb) {
    Map<String, Category> m = new HashMap<>();
    kb.entries().forEach(e -> categoryOf(e).ifPresent(c -> m.put(e.id(), c)));
    return Map.copyOf(m);
  }

  /**
   * Multinomial logistic regression by stochastic gradient descent on the weighted log-loss with L2 regularisation.
   * There is no bias term: it would learn how many examples of each category the editors wrote, not how often
   * residents ask about it. The regularisation shrinks all weights through one scale factor, so that an update
   * touches only the features the document has.
   */
  private static void sgd(List<Vector> xs, List<Doc> docs, double[] sampleWeights, float[][] w, Tuning tuning) {
    int[] order = new int[xs.size()];
    Arrays.setAll(order, i -> i);
    Random random = new Random(20240601);
    double scale = 1.0;
    double[] p = new double[K];
    for (int epoch = 0; epoch < tuning.epochs(); epoch++) {
      double rate = tuning.learningRate() / (1 + epoch);
      shuffle(order, random);
      for (int i : order) {
        Vector x = xs.get(i);
        for (int c = 0; c < K; c++) {
          p[c] = scale * x.dot(w[c]);
        }
        softmax(p);
        scale *= 1 - rate * tuning.regularisation();
        int y = docs.get(i).category().ordinal();
        for (int c = 0; c < K; c++) {
          float step = (float) ((p[c] - (c == y ? 1 : 0)) * sampleWeights[i] * rate / scale);
          float[] wc = w[c];
          for (int j = 0; j < x.index.length; j++) {
            wc[x.index[j]] -= step * x.value[j];
          }
        }
        if (scale < 1e-3) {
          rescale(w, scale);
          scale = 1.0;
        }
      }
    }
    rescale(w, scale);
  }

  private static void rescale(float[][] w, double scale) {
    for (float[] wc : w) {
      for (int f = 0; f < wc.length; f++) {
        wc[f] *= (float) scale;
      }
    }
  }

  /**
   * Classifies a question. No I/O.
   *
   * @param normalisedText the question as {@link TextNormaliser#normalise} made it
   * @param hits the hybrid-search hits retrieved for it, best first (any types, possibly none)
   */
  public Prediction classify(String normalisedText, List<SearchHit> hits) {
    double[] logits = scores(normalisedText);
    Optional<double[]> vote = lawVote(hits);
    for (int c = 0; c < K; c++) {
      logits[c] = vote.isEmpty()
          ? logits[c] / tuning.textTemperature()
          : logits[c] / tuning.temperature() + tuning.lawHitWeight() * Math.log(vote.get()[c]);
    }
    softmax(logits);
    Map<Category, Double> probabilities = new EnumMap<>(Category.class);
    int best = 0;
    for (int c = 0; c < K; c++) {
      probabilities.put(CATEGORIES[c], logits[c]);
      if (logits[c] > logits[best]) {
        best = c;
      }
    }
    return new Prediction(CATEGORIES[best], logits[best], probabilities);
  }

  /** The model's scores (logits) for a normalised text, before the temperature. */
  double[] scores(String normalisedText) {
    Vector x = Vector.counts(normalisedText).weighted(idf);
    double[] z = new double[K];
    for (int c = 0; c < K; c++) {
      z[c] = x.dot(weights[c]);
    }
    return z;
  }

  /** The smoothed, score-weighted share of each category among the law hits; empty when there are none. */
  private Optional<double[]> lawVote(List<SearchHit> hits) {
    double[] v = new double[K];
    Arrays.fill(v, tuning.hitSmoothing());
    double total = K * tuning.hitSmoothing();
    boolean any = false;
    for (SearchHit h : hits) {
      Optional<Category> c = h.law() == null ? Optional.empty() : categoryOf(h);
      if (c.isPresent()) {
        v[c.get().ordinal()] += h.score();
        total += h.score();
        any = true;
      }
    }
    for (int c = 0; c < K; c++) {
      v[c] /= total;
    }
    return any ? Optional.of(v) : Optional.empty();
  }

  /** The category of a hit's entry as known from training; a law article unknown to training by its law. */
  Optional<Category> categoryOf(SearchHit h) {
    Category c = entryCategories.get(h.id());
    if (c != null) {
      return Optional.of(c);
    }
    return h.law() == null || h.article() == null ? Optional.empty() : LawCategories.of(KnowledgeEntry.shortLawTitle(h.law()), h.article());
  }

  /** A copy with other question-time constants; the trained model is shared. */
  CategoryClassifier with(Tuning t) {
    return new CategoryClassifier(weights, idf, entryCategories, t);
  }

  /** The category an entry teaches: publicity by its {@code category}, power and disclosure administrative, laws by LawCategories. */
  static Optional<Category> categoryOf(KnowledgeEntry e) {
    return switch (e.type()) {
      case LAW -> e.article() == null ? Optional.empty() : LawCategories.of(KnowledgeEntry.shortLawTitle(e.law()), e.article());
      case PUBLICITY -> e.category() == null ? Optional.empty() : Category.fromId(e.category());
      case POWER, DISCLOSURE -> Optional.of(e.category() == null ? Category.ADMINISTRATIVE : Category.fromId(e.category()).orElse(Category.ADMINISTRATIVE));
    };
  }

  private static void softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int c = 0; c < z.length; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (int c = 0; c < z.length; c++) {
      z[c] /= sum;
    }
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** A sparse feature vector: hashed n-gram ids, ascending, and their values. */
  static final class Vector {
    final int[] index;
    final float[] value;

    private Vector(int[] index, float[] value) {
      this.index = index;
      this.value = value;
    }

    /**
     * The character unigrams and bigrams of a text and how often each occurs. Bigrams do not cross punctuation or
     * spaces; every digit is the same symbol, since amounts and dates say nothing about the topic. (Trigrams and
     * smartcn words were tried and did no better on the development questions.)
     */
    static Vector counts(String text) {
      Map<Integer, Integer> counts = new HashMap<>();
      char previous = 0;
      for (int i = 0; i < text.length(); i++) {
        char ch = text.charAt(i);
        if (!Character.isLetterOrDigit(ch)) {
          previous = 0;
          continue;
        }
        char c = Character.isDigit(ch) ? '0' : Character.toLowerCase(ch);
        counts.merge(hash(c), 1, Integer::sum);
        if (previous != 0) {
          counts.merge(hash(1L << 32 | (long) previous << 16 | c), 1, Integer::sum);
        }
        previous = c;
      }
      int[] index = counts.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
      float[] value = new float[index.length];
      for (int j = 0; j < index.length; j++) {
        value[j] = counts.get(index[j]);
      }
      return new Vector(index, value);
    }

    /** Sublinear term frequency times idf, scaled to unit length. */
    Vector weighted(float[] idf) {
      float[] v = new float[index.length];
      double norm = 0;
      for (int j = 0; j < index.length; j++) {
        v[j] = (float) ((1 + Math.log(value[j])) * idf[index[j]]);
        norm += v[j] * v[j];
      }
      if (norm > 0) {
        float inv = (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < v.length; j++) {
          v[j] *= inv;
        }
      }
      return new Vector(index, v);
    }

    double dot(float[] w) {
      double s = 0;
      for (int j = 0; j < index.length; j++) {
        s += w[index[j]] * value[j];
      }
      return s;
    }

    private static int hash(long key) {
      key ^= key >>> 33;
      key *= 0xff51afd7ed558ccdL;
      key ^= key >>> 33;
      key *= 0xc4ceb9fe1a85ec53L;
      key ^= key >>> 33;
      return (int) (key & (DIMENSION - 1));
    }
  }
}
