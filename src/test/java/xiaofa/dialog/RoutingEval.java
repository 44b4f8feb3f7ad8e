package xiaofa.dialog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import xiaofa.knowledge.BgeSmallZhEmbedder;
import xiaofa.knowledge.Category;
import xiaofa.knowledge.KnowledgeBase;
import xiaofa.knowledge.KnowledgeIndex;
import xiaofa.knowledge.KnowledgeService;
import xiaofa.knowledge.KnowledgeSources;
import xiaofa.knowledge.SearchHit;
import xiaofa.knowledge.SearchRequest;

/**
 * Routing quality on the development questions, which are not training data (the service runs without the shared
 * folder): accuracy and macro-F1 overall and per label method, per-category F1 and calibration (expected calibration
 * error over 10 bins, mean confidence against accuracy) for a naive Bayes baseline, a vote of the search hits and
 * {@link CategoryClassifier}. The index is built as in production, over the knowledge folder and the law corpus,
 * so the classifier gets real hybrid hits.
 *
 * <p>The four question-time constants of {@link CategoryClassifier.Tuning} were fitted on these questions, so its
 * calibration figures are a little optimistic; its accuracy hardly depends on them (see {@code --sweep}). The routing
 * examples were written without copying or paraphrasing any of these questions.
 *
 * <p>Run: {@code bench/routing-eval.sh}. Arguments: the shared data folder (default {@code ../shared/data});
 * {@code --sweep} also tries other {@link CategoryClassifier.Tuning} values.
 */
public final class RoutingEval {
  static final String SOURCE_TOPIC = "source_topic_label";
  static final String FIRST_LAW = "first_law_cited_in_reference_answer";

  record Question(String id, String text, Category gold, String labelMethod, List<SearchHit> hits) {}

  record Guess(Category category, double confidence, double goldProbability) {}

  record Metrics(double accuracy, double macroF1, int n) {}

  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "../shared/data");
    boolean sweep = List.of(args).contains("--sweep");
    Path laws = shared.resolve("laws");
    Path dev = shared.resolve("legal-questions-dev.jsonl");
    if (!Files.isDirectory(laws) || !Files.exists(dev)) {
      System.err.println("shared data not found at " + shared.toAbsolutePath() + "; pass the folder holding laws/ and legal-questions-dev.jsonl");
      System.exit(2);
    }
    KnowledgeIndex index = new KnowledgeIndex(Path.of("target/eval-data/index"), new BgeSmallZhEmbedder());
    KnowledgeBase kb = new KnowledgeSources(Optional.of(Path.of("knowledge")), Optional.of(laws), index.salt()).load();
    KnowledgeBase kbWithoutLaws = new KnowledgeSources(Optional.of(Path.of("knowledge")), Optional.empty(), index.salt()).load();
    // the index is built from a copy without the routing examples, so that editing them does not re-embed the corpus
    KnowledgeSources sources = new KnowledgeSources(Optional.of(withoutRouting(Path.of("knowledge"))), Optional.of(laws), index.salt());
    index.load(sources.load());
    Vertx vertx = Vertx.vertx();
    KnowledgeService search = new KnowledgeService(vertx, sources, index, 1, 1000);
    List<Question> qs = load(dev, search);
    System.out.printf(Locale.ROOT, "%d dev questions (%d %s, %d %s); knowledge: %s, %d routing examples%n%n", qs.size(),
        qs.stream().filter(q -> q.labelMethod().equals(SOURCE_TOPIC)).count(), SOURCE_TOPIC,
        qs.stream().filter(q -> q.labelMethod().equals(FIRST_LAW)).count(), FIRST_LAW, kb.counts(), kb.routingExamples().size());

    long t0 = System.nanoTime();
    CategoryClassifier ours = CategoryClassifier.train(kb);
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    CategoryClassifier oursNoLaws = CategoryClassifier.train(kbWithoutLaws);
    NaiveBayes nb = NaiveBayes.train(CategoryClassifier.documents(kb, CategoryClassifier.Tuning.DEFAULT));

    Map<String, Function<Question, Guess>> methods = new LinkedHashMap<>();
    methods.put("(a) naive Bayes, character bigrams", q -> nb.classify(q.text(), q.gold()));
    methods.put("(b) vote of the top-10 hybrid hits", q -> hitVote(ours, q));
    methods.put("ours, text only (no hits)", q -> guess(ours.classify(q.text(), List.of()), q.gold()));
    methods.put("ours, text only, without the law corpus", q -> guess(oursNoLaws.classify(q.text(), List.of()), q.gold()));
    methods.put("(c) ours: text + hits", q -> guess(ours.classify(q.text(), q.hits()), q.gold()));

    Map<String, List<Guess>> results = new LinkedHashMap<>();
    methods.forEach((name, m) -> results.put(name, qs.stream().map(m).toList()));

    System.out.println("| method | accuracy | macro-F1 | acc. 3-8 (law cited) | F1 3-8 | acc. 2-4 (site topic) | F1 2-4 | ECE | mean conf. |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    results.forEach((name, guesses) -> {
      Metrics all = metrics(qs, guesses, null);
      Metrics law = metrics(qs, guesses, FIRST_LAW);
      Metrics topic = metrics(qs, guesses, SOURCE_TOPIC);
      System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", name, all.accuracy(), all.macroF1(),
          law.accuracy(), law.macroF1(), topic.accuracy(), topic.macroF1(), ece(qs, guesses), guesses.stream().mapToDouble(Guess::confidence).average().orElse(0));
    });

    System.out.println("\nPer-category F1 (all dev questions):\n");
    List<String> names = new ArrayList<>(results.keySet());
    System.out.println("| category | dev | " + String.join(" | ", names) + " |");
    System.out.println("|---|---|" + "---|".repeat(names.size()));
    for (Category c : Category.values()) {
      StringBuilder row = new StringBuilder("| " + c.id() + " | " + qs.stream().filter(q -> q.gold() == c).count() + " |");
      for (List<Guess> g : results.values()) {
        row.append(String.format(Locale.ROOT, " %.3f |", f1(qs, g, null).get(c)));
      }
      System.out.println(row);
    }

    List<Guess> oursGuesses = results.get("(c) ours: text + hits");
    System.out.println("\nPaired comparison on the same questions (exact two-sided McNemar test):\n");
    for (String baseline : List.of("(a) naive Bayes, character bigrams", "(b) vote of the top-10 hybrid hits")) {
      System.out.println("- ours vs " + baseline + ": " + mcNemar(qs, oursGuesses, results.get(baseline)));
    }
    System.out.println("- ours, text only vs (b): " + mcNemar(qs, results.get("ours, text only (no hits)"), results.get("(b) vote of the top-10 hybrid hits")));
    for (String name : List.of("(c) ours: text + hits", "ours, text only (no hits)")) {
      System.out.println("\nCalibration of " + name + ", 10 bins:\n");
      calibrationTable(qs, results.get(name));
    }

    long t1 = System.nanoTime();
    int reps = 20;
    for (int r = 0; r < reps; r++) {
      qs.forEach(q -> ours.classify(q.text(), q.hits()));
    }
    double microsPerMessage = (System.nanoTime() - t1) / 1e3 / (reps * qs.size());
    System.out.printf(Locale.ROOT, "%ntraining (with the law corpus, %d documents): %.2f s; classify: %.1f µs per message%n",
        CategoryClassifier.documents(kb, CategoryClassifier.Tuning.DEFAULT).size(), trainSeconds, microsPerMessage);

    if (sweep) {
      sweep(kb, ours, qs);
    }
    index.close();
    vertx.close();
    System.exit(0);
  }

  private static Path withoutRouting(Path knowledge) throws IOException {
    Path copy = Path.of("target/eval-data/knowledge-without-routing");
    if (Files.exists(copy)) {
      try (var s = Files.walk(copy)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    try (var s = Files.walk(knowledge)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Path rel = knowledge.relativize(p);
        if (!rel.startsWith("routing")) {
          Files.createDirectories(copy.resolve(rel).getParent());
          Files.copy(p, copy.resolve(rel));
        }
      }
    }
    return copy;
  }

  static List<Question> load(Path file, KnowledgeService search) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Question> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = json.readTree(line);
      String text = TextNormaliser.normalise(n.path("question").asText());
      String query = text.length() > SearchRequest.MAX_QUERY_LENGTH ? text.substring(0, SearchRequest.MAX_QUERY_LENGTH) : text;
      List<SearchHit> hits = search.searchNow(SearchRequest.of(query, 10)).hits();
      out.add(new Question(n.path("id").asText(), text, Category.fromId(n.path("category").asText()).orElseThrow(), n.path("label_method").asText(), hits));
    }
    return out;
  }

  static Guess guess(CategoryClassifier.Prediction p, Category gold) {
    return new Guess(p.category(), p.confidence(), p.probabilities().get(gold));
  }

  /** Baseline (b): the categories of the hits, weighted by score; general when no hit has a category. */
  static Guess hitVote(CategoryClassifier c, Question q) {
    Map<Category, Double> votes = new EnumMap<>(Category.class);
    double total = 0;
    for (SearchHit h : q.hits()) {
      Optional<Category> cat = c.categoryOf(h);
      if (cat.isPresent()) {
        votes.merge(cat.get(), h.score(), Double::sum);
        total += h.score();
      }
    }
    if (total == 0) {
      return new Guess(Category.GENERAL, 1.0 / Category.values().length, q.gold() == Category.GENERAL ? 1.0 / Category.values().length : 0);
    }
    Category best = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    return new Guess(best, votes.get(best) / total, votes.getOrDefault(q.gold(), 0.0) / total);
  }

  static Metrics metrics(List<Question> qs, List<Guess> guesses, String labelMethod) {
    int n = 0;
    int right = 0;
    for (int i = 0; i < qs.size(); i++) {
      if (labelMethod == null || qs.get(i).labelMethod().equals(labelMethod)) {
        n++;
        right += guesses.get(i).category() == qs.get(i).gold() ? 1 : 0;
      }
    }
    Map<Category, Double> f1 = f1(qs, guesses, labelMethod);
    double macro = f1.values().stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).average().orElse(0);
    return new Metrics(n == 0 ? 0 : (double) right / n, macro, n);
  }

  /** F1 per category; NaN for a category with no gold question in the subset. */
  static Map<Category, Double> f1(List<Question> qs, List<Guess> guesses, String labelMethod) {
    Map<Category, Double> out = new EnumMap<>(Category.class);
    for (Category c : Category.values()) {
      int tp = 0;
      int fp = 0;
      int fn = 0;
      for (int i = 0; i < qs.size(); i++) {
        Question q = qs.get(i);
        if (labelMethod != null && !q.labelMethod().equals(labelMethod)) {
          continue;
        }
        Category p = guesses.get(i).category();
        if (p == c && q.gold() == c) tp++;
        else if (p == c) fp++;
        else if (q.gold() == c) fn++;
      }
      out.put(c, tp + fn == 0 ? Double.NaN : 2.0 * tp / (2.0 * tp + fp + fn));
    }
    return out;
  }

  /** Expected calibration error: 10 equal-width confidence bins, weighted by their share of questions. */
  static double ece(List<Question> qs, List<Guess> guesses) {
    double[] conf = new double[10];
    double[] right = new double[10];
    int[] n = new int[10];
    for (int i = 0; i < qs.size(); i++) {
      Guess g = guesses.get(i);
      int b = Math.min(9, (int) (g.confidence() * 10));
      n[b]++;
      conf[b] += g.confidence();
      right[b] += g.category() == qs.get(i).gold() ? 1 : 0;
    }
    double e = 0;
    for (int b = 0; b < 10; b++) {
      e += n[b] == 0 ? 0 : Math.abs(conf[b] - right[b]) / qs.size();
    }
    return e;
  }

  static void calibrationTable(List<Question> qs, List<Guess> guesses) {
    System.out.println("| confidence | questions | mean confidence | accuracy |");
    System.out.println("|---|---|---|---|");
    for (int b = 0; b < 10; b++) {
      int n = 0;
      double conf = 0;
      double right = 0;
      for (int i = 0; i < qs.size(); i++) {
        Guess g = guesses.get(i);
        if (Math.min(9, (int) (g.confidence() * 10)) == b) {
          n++;
          conf += g.confidence();
          right += g.category() == qs.get(i).gold() ? 1 : 0;
        }
      }
      if (n > 0) {
        System.out.printf(Locale.ROOT, "| %.1f–%.1f | %d | %.3f | %.3f |%n", b / 10.0, (b + 1) / 10.0, n, conf / n, right / n);
      }
    }
  }

  /** How many questions only one of two methods gets right, and the exact binomial p-value of that split. */
  static String mcNemar(List<Question> qs, List<Guess> a, List<Guess> b) {
    int onlyA = 0;
    int onlyB = 0;
    for (int i = 0; i < qs.size(); i++) {
      boolean ra = a.get(i).category() == qs.get(i).gold();
      boolean rb = b.get(i).category() == qs.get(i).gold();
      onlyA += ra && !rb ? 1 : 0;
      onlyB += rb && !ra ? 1 : 0;
    }
    int n = onlyA + onlyB;
    double p = 0;
    double term = Math.pow(0.5, n); // C(n, 0) / 2^n
    for (int k = 0; k <= Math.min(onlyA, onlyB); k++) {
      p += term;
      term = term * (n - k) / (k + 1);
    }
    return String.format(Locale.ROOT, "%d questions only the first gets right, %d only the second, p = %.3f", onlyA, onlyB, Math.min(1, 2 * p));
  }

  /** Mean negative log-likelihood of the gold category. */
  static double nll(List<Guess> guesses) {
    return guesses.stream().mapToDouble(g -> -Math.log(Math.max(1e-6, g.goldProbability()))).average().orElse(0);
  }

  static void sweep(KnowledgeBase kb, CategoryClassifier ours, List<Question> qs) {
    CategoryClassifier.Tuning d = CategoryClassifier.Tuning.DEFAULT;
    System.out.println("\nsweep, training constants (text only): lawWeight bodyWeight classBalance regularisation epochs learningRate -> acc, F1, acc 3-8, acc 2-4, NLL");
    List<CategoryClassifier.Tuning> training = new ArrayList<>();
    for (double lw : new double[] {0.1, 0.3, 1.0}) {
      for (double bw : new double[] {0.3, 1.0}) {
        for (double cb : new double[] {0.5, 1.0}) {
          training.add(new CategoryClassifier.Tuning(lw, bw, cb, d.regularisation(), d.epochs(), d.learningRate(), d.textTemperature(), d.temperature(), d.lawHitWeight(), d.hitSmoothing()));
        }
      }
    }
    for (double reg : new double[] {1e-6, 1e-4}) {
      training.add(new CategoryClassifier.Tuning(d.lawWeight(), d.bodyWeight(), d.classBalance(), reg, d.epochs(), d.learningRate(), d.textTemperature(), d.temperature(), d.lawHitWeight(), d.hitSmoothing()));
    }
    for (int epochs : new int[] {6, 24}) {
      training.add(new CategoryClassifier.Tuning(d.lawWeight(), d.bodyWeight(), d.classBalance(), d.regularisation(), epochs, d.learningRate(), d.textTemperature(), d.temperature(), d.lawHitWeight(), d.hitSmoothing()));
    }
    for (CategoryClassifier.Tuning t : training) {
      CategoryClassifier c = CategoryClassifier.train(kb, t);
      List<Guess> g = qs.stream().map(q -> guess(c.classify(q.text(), List.of()), q.gold())).toList();
      System.out.printf(Locale.ROOT, "%s %s %s %s %d %s -> %.3f %.3f %.3f %.3f %.3f%n", t.lawWeight(), t.bodyWeight(), t.classBalance(), t.regularisation(), t.epochs(), t.learningRate(),
          metrics(qs, g, null).accuracy(), metrics(qs, g, null).macroF1(), metrics(qs, g, FIRST_LAW).accuracy(), metrics(qs, g, SOURCE_TOPIC).accuracy(), nll(g));
    }
    System.out.println("\nsweep, question-time constants: temperature lawHitWeight hitSmoothing -> acc, F1, acc 3-8, acc 2-4, NLL, ECE; accuracy on odd / even ids");
    for (double temp : new double[] {0.75, 1.0, 1.25}) {
      for (double law : new double[] {0.3, 0.6, 1.0}) {
        for (double smoothing : new double[] {0.3, 1.0}) {
          sweepLine(qs, ours.with(new CategoryClassifier.Tuning(d.lawWeight(), d.bodyWeight(), d.classBalance(), d.regularisation(), d.epochs(), d.learningRate(), d.textTemperature(), temp, law, smoothing)),
              true, temp + " " + law + " " + smoothing);
        }
      }
    }
    System.out.println("\nsweep, text only: textTemperature -> acc, F1, acc 3-8, acc 2-4, NLL, ECE; accuracy on odd / even ids");
    for (double temp : new double[] {0.5, 0.6, 0.75, 0.9, 1.0}) {
      sweepLine(qs, ours.with(new CategoryClassifier.Tuning(d.lawWeight(), d.bodyWeight(), d.classBalance(), d.regularisation(), d.epochs(), d.learningRate(), temp, d.temperature(), d.lawHitWeight(), d.hitSmoothing())),
          false, String.valueOf(temp));
    }
  }

  private static void sweepLine(List<Question> qs, CategoryClassifier c, boolean withHits, String label) {
    List<Guess> g = qs.stream().map(q -> guess(c.classify(q.text(), withHits ? q.hits() : List.of()), q.gold())).toList();
    double[] halves = new double[2];
    for (int i = 0; i < qs.size(); i++) {
      halves[i % 2] += g.get(i).category() == qs.get(i).gold() ? 2.0 / qs.size() : 0;
    }
    System.out.printf(Locale.ROOT, "%s -> %.3f %.3f %.3f %.3f %.3f %.3f; %.3f %.3f%n", label, metrics(qs, g, null).accuracy(), metrics(qs, g, null).macroF1(),
        metrics(qs, g, FIRST_LAW).accuracy(), metrics(qs, g, SOURCE_TOPIC).accuracy(), nll(g), ece(qs, g), halves[1], halves[0]);
  }

  /** Baseline (a): multinomial naive Bayes over character bigrams, Laplace smoothing, priors from the documents. */
  record NaiveBayes(Map<String, double[]> logLikelihood, double[] logPrior) {
    static NaiveBayes train(List<CategoryClassifier.Doc> docs) {
      int k = Category.values().length;
      Map<String, double[]> counts = new HashMap<>();
      double[] totals = new double[k];
      double[] prior = new double[k];
      for (CategoryClassifier.Doc d : docs) {
        int c = d.category().ordinal();
        prior[c]++;
        for (String b : bigrams(TextNormaliser.normalise(d.text()))) {
          counts.computeIfAbsent(b, x -> new double[k])[c]++;
          totals[c]++;
        }
      }
      double v = counts.size();
      double[] logPrior = new double[k];
      for (int c = 0; c < k; c++) {
        logPrior[c] = Math.log(prior[c] / docs.size());
      }
      Map<String, double[]> ll = new HashMap<>();
      counts.forEach((b, n) -> {
        double[] l = new double[k];
        for (int c = 0; c < k; c++) {
          l[c] = Math.log((n[c] + 1) / (totals[c] + v));
        }
        ll.put(b, l);
      });
      return new NaiveBayes(ll, logPrior);
    }

    Guess classify(String text, Category gold) {
      double[] z = logPrior.clone();
      for (String b : bigrams(text)) {
        double[] l = logLikelihood.get(b);
        if (l != null) {
          for (int c = 0; c < z.length; c++) {
            z[c] += l[c];
          }
        }
      }
      double max = Arrays.stream(z).max().orElse(0);
      double sum = 0;
      for (int c = 0; c < z.length; c++) {
        z[c] = Math.exp(z[c] - max);
        sum += z[c];
      }
      int best = 0;
      for (int c = 0; c < z.length; c++) {
        z[c] /= sum;
        best = z[c] > z[best] ? c : best;
      }
      return new Guess(Category.values()[best], z[best], z[gold.ordinal()]);
    }

    static List<String> bigrams(String text) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i + 1 < text.length(); i++) {
        if (Character.isLetterOrDigit(text.charAt(i)) && Character.isLetterOrDigit(text.charAt(i + 1))) {
          out.add(text.substring(i, i + 2));
        }
      }
      return out;
    }
  }
}
