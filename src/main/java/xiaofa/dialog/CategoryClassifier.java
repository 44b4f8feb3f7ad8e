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
 * Routes a resident's question into one of the 11 {@link Category categories}. A multinomial logistic regression over
 * hashed character 1–3-grams (Chinese has no spaces) is trained on the knowledge base: the labelled routing examples,
 * the publicity Q&As (their {@code category}), the power list and disclosure pages (administrative) and the law
 * articles (by {@link LawCategories}). At question time its scores are combined with a vote of the search hits the
 * dialog retrieved anyway, and turned into probabilities by a temperature, so that the confidence is calibrated.
 *
 * <p>Immutable and thread-safe: build one per knowledge generation with {@link #train} (blocking, about a second) and
 * share it; {@link #classify} does no I/O.
 */
public final class CategoryClassifier {
  private static final Category[] CATEGORIES = Category.values();
  private static final int K = CATEGORIES.length;
  private static final int DIMENSION = 1 << 18;
  static final int MIN_N = Integer.getInteger("xf.min", 1);
  static final int MAX_N = Integer.getInteger("xf.max", 3);

  /**
   * The tunables. Training weights: what a routing example or a question counts as 1; {@code bodyWeight} for the
   * body of a publicity, power or disclosure entry, {@code lawWeight} for a law article (formal language, and far
   * more of them than of anything else); {@code classBalance} in [0, 1] evens out the categories' total weights (1:
   * equal), so that 1,260 民法典 articles do not become a prior. Question time: {@code temperature} divides the
   * model's scores, {@code hitWeight} multiplies the log of the hits' smoothed, score-weighted category vote.
   *
   * <p>The three question-time constants were fitted on the development questions (negative log-likelihood and
   * accuracy, bench/routing-eval.sh --sweep): they are the only values learnt from data that the service does not
   * ship. The training constants were chosen on the same sweep among a few round values.
   */
  record Tuning(
      double lawWeight,
      double bodyWeight,
      double classBalance,
      double regularisation,
      int epochs,
      double learningRate,
      double temperature,
      double hitWeight,
      double hitSmoothing) {
    static final Tuning DEFAULT = new Tuning(0.3, 0.3, 0.7, 1e-5, 12, 0.5, 1.0, 0.5, 0.3);
  }

  /**
   * The category of a question, its calibrated probability (≈ the chance the category is right) and the
   * probabilities of all categories, summing to 1.
   */
  public record Prediction(Category category, double confidence, Map<Category, Double> probabilities) {
    public Prediction {
      probabilities = Collections.unmodifiableMap(new EnumMap<>(probabilities));
    }
  }

  private final float[][] weights;
  private final double[] bias;
  private final float[] idf;
  private final Map<String, Category> entryCategories;
  private final Tuning tuning;

  private CategoryClassifier(float[][] weights, double[] bias, float[] idf, Map<String, Category> entryCategories, Tuning tuning) {
    this.weights = weights;
    this.bias = bias;
    this.idf = idf;
    this.entryCategories = entryCategories;
    this.tuning = tuning;
  }

  /** Trains on {@code kb}. Blocking (about a second for the knowledge base with the law corpus); deterministic. */
  public static CategoryClassifier train(KnowledgeBase kb) {
    return train(kb, Tuning.DEFAULT);
  }

  static CategoryClassifier train(KnowledgeBase kb, Tuning tuning) {
    List<Doc> docs = documents(kb, tuning);
    double[] classTotals = new double[K];
    docs.forEach(d -> classTotals[d.category().ordinal()] += d.weight());
    double mean = Arrays.stream(classTotals).filter(t -> t > 0).average().orElse(1);

    List<Vector> xs = new ArrayList<>(docs.size());
    float[] df = new float[DIMENSION];
    for (Doc d : docs) {
      Vector v = Vector.counts(TextNormaliser.normalise(d.text()));
      xs.add(v);
      for (int f : v.index) {
        df[f]++;
      }
    }
    float[] idf = new float[DIMENSION];
    for (int f = 0; f < DIMENSION; f++) {
      idf[f] = (float) (Math.log((docs.size() + 1.0) / (df[f] + 1.0)) + 1.0);
    }
    xs.replaceAll(v -> v.weighted(idf));

    float[][] w = new float[K][DIMENSION];
    double[] b = new double[K];
    double[] sampleWeight = new double[docs.size()];
    for (int i = 0; i < docs.size(); i++) {
      Doc d = docs.get(i);
      sampleWeight[i] = d.weight() * Math.pow(mean / classTotals[d.category().ordinal()], tuning.classBalance());
    }
    sgd(xs, docs, sampleWeight, w, b, tuning);
    return new CategoryClassifier(w, b, idf, entryCategories(kb), tuning);
  }

  /** The training documents: routing examples, and the titles, questions and bodies of the entries, weighted. */
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
   * Multinomial logistic regression by stochastic gradient descent on the weighted log-loss with L2 regularisation;
   * the regularisation shrinks all weights through one scale factor, so that an update touches only the features the
   * document has.
   */
  private static void sgd(List<Vector> xs, List<Doc> docs, double[] sampleWeight, float[][] w, double[] b, Tuning tuning) {
    int[] order = new int[xs.size()];
    Arrays.setAll(order, i -> i);
    Random random = new Random(20240601);
    double scale = 1.0;
    double[] z = new double[K];
    for (int epoch = 0; epoch < tuning.epochs(); epoch++) {
      double rate = tuning.learningRate() / (1 + epoch);
      shuffle(order, random);
      for (int i : order) {
        Vector x = xs.get(i);
        for (int c = 0; c < K; c++) {
          z[c] = b[c] + scale * x.dot(w[c]);
        }
        softmax(z);
        scale *= 1 - rate * tuning.regularisation();
        int y = docs.get(i).category().ordinal();
        for (int c = 0; c < K; c++) {
          double g = (z[c] - (c == y ? 1 : 0)) * sampleWeight[i] * rate;
          b[c] -= g;
          float step = (float) (g / scale);
          float[] wc = w[c];
          for (int j = 0; j < x.index.length; j++) {
            wc[x.index[j]] -= step * x.value[j];
          }
        }
        if (scale < 1e-3) {
          for (float[] wc : w) {
            for (int f = 0; f < DIMENSION; f++) {
              wc[f] *= (float) scale;
            }
          }
          scale = 1.0;
        }
      }
    }
    for (float[] wc : w) {
      for (int f = 0; f < DIMENSION; f++) {
        wc[f] *= (float) scale;
      }
    }
  }

  /**
   * Classifies a question. No I/O.
   *
   * @param normalisedText the question as {@link TextNormaliser#normalise} made it
   * @param hits the hybrid-search hits retrieved for it, best first (any types, possibly none); their categories
   *     vote, weighted by score
   */
  public Prediction classify(String normalisedText, List<SearchHit> hits) {
    double[] logits = scores(normalisedText);
    double[] vote = vote(hits);
    for (int c = 0; c < K; c++) {
      logits[c] = logits[c] / tuning.temperature() + tuning.hitWeight() * Math.log(vote[c]);
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

  /** The model's raw scores (logits) for a normalised text. */
  double[] scores(String normalisedText) {
    Vector x = Vector.counts(normalisedText).weighted(idf);
    double[] z = new double[K];
    for (int c = 0; c < K; c++) {
      z[c] = bias[c] + x.dot(weights[c]);
    }
    return z;
  }

  /** The hits' smoothed, score-weighted share of each category; uniform without hits. */
  double[] vote(List<SearchHit> hits) {
    double[] v = new double[K];
    Arrays.fill(v, tuning.hitSmoothing());
    double total = K * tuning.hitSmoothing();
    for (SearchHit h : hits) {
      Optional<Category> c = categoryOf(h);
      if (c.isPresent()) {
        v[c.get().ordinal()] += h.score();
        total += h.score();
      }
    }
    for (int c = 0; c < K; c++) {
      v[c] /= total;
    }
    return v;
  }

  /** The category of a hit's entry, as known from training; law articles of other corpora by their law. */
  Optional<Category> categoryOf(SearchHit h) {
    Category c = entryCategories.get(h.id());
    if (c != null) {
      return Optional.of(c);
    }
    return h.law() == null || h.article() == null ? Optional.empty() : LawCategories.of(KnowledgeEntry.shortLawTitle(h.law()), h.article());
  }

  /** A copy with other question-time constants; the trained model is shared. */
  CategoryClassifier with(Tuning t) {
    return new CategoryClassifier(weights, bias, idf, entryCategories, t);
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

  record Doc(String text, Category category, double weight) {}

  /** A sparse feature vector: hashed n-gram ids, ascending, and their values. */
  static final class Vector {
    final int[] index;
    final float[] value;

    private Vector(int[] index, float[] value) {
      this.index = index;
      this.value = value;
    }

    /**
     * The character 1-, 2- and 3-grams of a text and how often each occurs. N-grams do not cross punctuation or
     * spaces; digits are one symbol, since amounts and dates say nothing about the topic.
     */
    static Vector counts(String text) {
      Map<Integer, Integer> counts = new HashMap<>();
      char[] window = new char[4];
      int run = 0;
      for (int i = 0; i < text.length(); i++) {
        char ch = text.charAt(i);
        if (!Character.isLetterOrDigit(ch)) {
          run = 0;
          continue;
        }
        window[0] = window[1];
        window[1] = window[2];
        window[2] = window[3];
        window[3] = Character.isDigit(ch) ? '0' : Character.toLowerCase(ch);
        run++;
        for (int n = MIN_N; n <= Math.min(MAX_N, run); n++) {
          long key = n;
          for (int k = 4 - n; k < 4; k++) {
            key = key << 16 | window[k];
          }
          counts.merge(hash(key), 1, Integer::sum);
        }
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
