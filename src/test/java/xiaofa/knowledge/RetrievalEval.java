package xiaofa.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retrieval quality on the development questions: for each question whose lawyer's answer cites an article of a
 * law in the corpus, the rank of a cited article among the search hits. Prints Recall@1/5/10 and MRR@10 for
 * keyword-only, vector-only and hybrid search, over all types and over law articles only.
 *
 * <p>Run: {@code bench/retrieval-eval.sh} (or {@code mvn -q test-compile exec:java ...}, see README). Arguments:
 * the shared data folder (default {@code ../shared/data}); {@code --sweep} also tries fusion settings.
 */
public final class RetrievalEval {
  private static final Pattern CITE = Pattern.compile("《(.+?)》第([零〇一二三四五六七八九十百千两0-9]+)条");

  record Question(String id, String text, String labelMethod, Set<String> relevant) {}

  record Metrics(double r1, double r5, double r10, double mrr, int n) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "| %.3f | %.3f | %.3f | %.3f | %d |", r1, r5, r10, mrr, n);
    }
  }

  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "../shared/data");
    boolean sweep = List.of(args).contains("--sweep");
    Path laws = shared.resolve("laws");
    Path questions = shared.resolve("legal-questions-dev.jsonl");
    if (!Files.isDirectory(laws) || !Files.exists(questions)) {
      System.err.println("shared data not found at " + shared.toAbsolutePath() + "; pass the folder holding laws/ and legal-questions-dev.jsonl");
      System.exit(2);
    }
    Embedder embedder = new BgeSmallZhEmbedder();
    Path dataDir = Path.of("target/eval-data");
    KnowledgeIndex index = new KnowledgeIndex(dataDir.resolve("index"), embedder);
    KnowledgeSources sources = new KnowledgeSources(Optional.of(Path.of("knowledge")), Optional.of(laws), index.salt());
    KnowledgeBase kb = sources.load();
    long t0 = System.nanoTime();
    index.load(kb);
    System.out.printf(Locale.ROOT, "index ready in %.1f s (%s)%n%n", (System.nanoTime() - t0) / 1e9, kb.counts());

    Set<String> corpusLaws = new HashSet<>();
    kb.entries().stream().filter(e -> e.type() == EntryType.LAW).forEach(e -> corpusLaws.add(KnowledgeEntry.shortLawTitle(e.law())));
    List<Question> qs = load(questions, corpusLaws);
    System.out.println(qs.size() + " questions cite an article of a law in the corpus");

    List<HybridSearcher.Fusion> fusions = new ArrayList<>();
    fusions.add(HybridSearcher.Fusion.DEFAULT);
    if (sweep) {
      for (double w : new double[] {0.3, 0.4, 0.5, 0.6, 0.7}) {
        for (double half : new double[] {6, 12, 24}) {
          for (double floor : new double[] {0.3, 0.4, 0.5}) {
            fusions.add(new HybridSearcher.Fusion(50, 0.5f, half, floor, w));
          }
        }
      }
    }
    System.out.println();
    System.out.println("| mode | types | Recall@1 | Recall@5 | Recall@10 | MRR@10 | questions |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (SearchRequest.Mode mode : SearchRequest.Mode.values()) {
      for (Optional<EntryType> type : List.of(Optional.<EntryType>empty(), Optional.of(EntryType.LAW))) {
        HybridSearcher s = searcher(index, embedder, HybridSearcher.Fusion.DEFAULT);
        System.out.println("| " + mode.name().toLowerCase(Locale.ROOT) + " | " + type.map(EntryType::key).orElse("all") + " " + evaluate(index, s, qs, mode, type, null));
      }
    }
    if (sweep) {
      System.out.println("\nsweep (hybrid, all types): vectorWeight keywordHalf cosineFloor -> metrics");
      for (HybridSearcher.Fusion f : fusions) {
        HybridSearcher s = searcher(index, embedder, f);
        System.out.println(f.vectorWeight() + " " + f.keywordHalf() + " " + f.cosineFloor() + " " + evaluate(index, s, qs, SearchRequest.Mode.HYBRID, Optional.empty(), null));
      }
    }
    index.close();
    System.exit(0);
  }

  static HybridSearcher searcher(KnowledgeIndex index, Embedder embedder, HybridSearcher.Fusion f) {
    return new HybridSearcher(index.analyzer(), embedder, Caffeine.newBuilder().maximumSize(10_000).<String, float[]>build(), f);
  }

  static Metrics evaluate(KnowledgeIndex index, HybridSearcher s, List<Question> qs, SearchRequest.Mode mode, Optional<EntryType> type, List<String> misses) {
    double r1 = 0, r5 = 0, r10 = 0, mrr = 0;
    for (Question q : qs) {
      SearchRequest req = new SearchRequest(q.text().length() > SearchRequest.MAX_QUERY_LENGTH ? q.text().substring(0, SearchRequest.MAX_QUERY_LENGTH) : q.text(), 10, type, mode);
      List<SearchHit> hits = index.withSearcher(g -> s.search(g, req));
      int rank = 0;
      for (int i = 0; i < hits.size(); i++) {
        SearchHit h = hits.get(i);
        if (h.law() != null && q.relevant().contains(KnowledgeEntry.shortLawTitle(h.law()) + "#" + h.article())) {
          rank = i + 1;
          break;
        }
      }
      if (rank == 1) r1++;
      if (rank >= 1 && rank <= 5) r5++;
      if (rank >= 1) {
        r10++;
        mrr += 1.0 / rank;
      }
      if (rank == 0 && misses != null) {
        misses.add(q.id() + " " + q.text() + " -> " + q.relevant());
      }
    }
    int n = qs.size();
    return new Metrics(r1 / n, r5 / n, r10 / n, mrr / n, n);
  }

  static List<Question> load(Path file, Set<String> corpusLaws) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Question> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = json.readTree(line);
      Set<String> relevant = new HashSet<>();
      for (JsonNode c : n.path("cited_articles")) {
        Matcher m = CITE.matcher(c.asText());
        if (m.find()) {
          String law = KnowledgeEntry.shortLawTitle(m.group(1));
          int article = ChineseNumerals.parse(m.group(2));
          if (corpusLaws.contains(law) && article > 0) {
            relevant.add(law + "#" + article);
          }
        }
      }
      if (!relevant.isEmpty()) {
        out.add(new Question(n.path("id").asText(), n.path("question").asText(), n.path("label_method").asText(), relevant));
      }
    }
    return out;
  }
}
