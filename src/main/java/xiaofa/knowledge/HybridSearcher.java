package xiaofa.knowledge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.BreakIterator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.document.Document;

/**
 * Hybrid search over one generation: a BM25 keyword query over word and bigram fields (with the question's
 * colloquial phrases expanded into legal terms) and a KNN query over the embedding, fused linearly on normalised
 * scores. Every candidate of either half gets both scores exactly (the keyword score of a vector-only candidate is
 * computed, and the cosine of a keyword-only one is read from its stored vector), so the fused score means the same
 * for every hit and can be thresholded.
 */
final class HybridSearcher {
  /** Weights of the keyword fields; {@code *_bi} are the bigram twins. */
  private static final Map<String, Float> FIELDS =
      Map.of(
          IndexSchema.TITLE, 2.0f,
          IndexSchema.bigram(IndexSchema.TITLE), 1.5f,
          IndexSchema.QUESTIONS, 2.0f,
          IndexSchema.bigram(IndexSchema.QUESTIONS), 1.5f,
          IndexSchema.TAGS, 1.0f,
          IndexSchema.bigram(IndexSchema.TAGS), 0.5f,
          IndexSchema.BODY, 1.0f,
          IndexSchema.bigram(IndexSchema.BODY), 0.7f,
          IndexSchema.LAW, 1.5f,
          IndexSchema.bigram(IndexSchema.LAW), 1.0f);

  /**
   * Hybrid scores at or above this are on topic; below it the best hit is likely noise. Measured on residents'
   * questions and off-topic chatter (ResidentQuestionsTest); the dialog's confidence gate builds on it.
   */
  static final double ON_TOPIC = 0.4;

  /** Tunables of the fusion, measured on the development questions (see README). */
  record Fusion(int candidates, float expansionWeight, double keywordHalf, double cosineFloor, double vectorWeight, double lawPrior) {
    static final Fusion DEFAULT = new Fusion(50, 0.5f, 8.0, 0.5, 0.7, 0.85);

    Fusion(int candidates, float expansionWeight, double keywordHalf, double cosineFloor, double vectorWeight) {
      this(candidates, expansionWeight, keywordHalf, cosineFloor, vectorWeight, DEFAULT.lawPrior());
    }
  }

  private final Analyzer analyzer;
  private final Embedder embedder;
  private final Cache<String, float[]> queryVectors;
  private final Cache<ResultKey, List<SearchHit>> results;
  private final Fusion fusion;

  /** A search of one generation: a new generation (changed knowledge) never sees the old one's results. */
  private record ResultKey(String generation, String text, int limit, Optional<EntryType> type, SearchRequest.Mode mode, boolean snippets) {}

  HybridSearcher(Analyzer analyzer, Embedder embedder, Cache<String, float[]> queryVectors, Fusion fusion) {
    this(analyzer, embedder, queryVectors, 0, fusion);
  }

  /**
   * {@code resultCacheSize} searches are remembered with their hits (0: none): residents ask the same things (the
   * menu's questions, 老板拖欠工资怎么办), and a repeated question then costs a map lookup instead of some hundred term
   * lookups.
   */
  HybridSearcher(Analyzer analyzer, Embedder embedder, Cache<String, float[]> queryVectors, int resultCacheSize, Fusion fusion) {
    this.analyzer = analyzer;
    this.embedder = embedder;
    this.queryVectors = queryVectors;
    this.results = Caffeine.newBuilder().maximumSize(resultCacheSize).expireAfterAccess(Duration.ofHours(1)).build();
    this.fusion = fusion;
  }

  /** Searches one generation; blocking, on a search worker. */
  List<SearchHit> search(KnowledgeIndex.Generation g, SearchRequest r) {
    ResultKey key = new ResultKey(g.knowledge.contentHash(), Synonyms.normalise(r.query()).strip(), r.limit(), r.type(), r.mode(), r.snippets());
    return results.get(key, k -> {
      try {
        return List.copyOf(doSearch(g, r));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The question's embedding as search computes it (from the same cache), or null without an embedding model. */
  float[] queryVector(String query) {
    return embedder == null ? null : queryVectors.get(Synonyms.normalise(query).strip(), embedder::embedQuery);
  }

  private List<SearchHit> doSearch(KnowledgeIndex.Generation g, SearchRequest r) throws IOException {
    IndexSearcher searcher = g.searcher;
    String text = Synonyms.normalise(r.query()).strip();
    Query filter = r.type().map(t -> (Query) new TermQuery(new Term(IndexSchema.TYPE, t.key()))).orElse(null);
    boolean useKeyword = r.mode() != SearchRequest.Mode.VECTOR;
    boolean useVector = r.mode() != SearchRequest.Mode.KEYWORD && embedder != null;
    int k = Math.max(fusion.candidates(), r.limit());

    Query keyword = keywordQuery(text, g.knowledge.synonyms().expand(text));
    Map<Integer, Double> kw = new HashMap<>();
    Map<Integer, Double> cos = new HashMap<>();
    float[] vector = null;
    if (useVector) {
      vector = queryVectors.get(text, embedder::embedQuery);
      for (ScoreDoc sd : searcher.search(new KnnFloatVectorQuery(IndexSchema.VECTOR, vector, k, filter), k).scoreDocs) {
        cos.put(sd.doc, 2.0 * sd.score - 1.0); // DOT_PRODUCT scores are (1 + cos) / 2
      }
    }
    if (useKeyword && keyword != null) {
      // one pass: the keyword top k, and the keyword score of every vector candidate
      KeywordCollector collector = new KeywordCollector(k, useVector ? cos.keySet() : Set.of());
      searcher.search(filtered(keyword, filter), collector);
      kw.putAll(collector.top());
      kw.putAll(collector.wanted());
    }
    if (useKeyword && useVector) {
      completeCosines(searcher, vector, kw, cos);
    }
    List<ScoreDoc> ranked = new ArrayList<>();
    for (Integer doc : union(kw, cos)) {
      double kwNorm = kw.getOrDefault(doc, 0.0) / (kw.getOrDefault(doc, 0.0) + fusion.keywordHalf());
      double c = cos.getOrDefault(doc, fusion.cosineFloor());
      double vecNorm = Math.max(0, Math.min(1, (c - fusion.cosineFloor()) / (1 - fusion.cosineFloor())));
      double score =
          switch (r.mode()) {
            case KEYWORD -> kwNorm;
            case VECTOR -> vecNorm;
            case HYBRID -> useVector ? fusion.vectorWeight() * vecNorm + (1 - fusion.vectorWeight()) * kwNorm : kwNorm;
          };
      if (r.type().isEmpty() && g.lawDocs().get(doc)) {
        // unfiltered: prefer the entries written for residents (they cite the articles) over a bare article
        score *= fusion.lawPrior();
      }
      ranked.add(new ScoreDoc(doc, (float) score));
    }
    ranked.sort((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
    List<ScoreDoc> top = ranked.subList(0, Math.min(r.limit(), ranked.size()));
    String[] snippets = r.snippets() ? snippets(searcher, keyword, top) : blank(top.size());
    StoredFields stored = searcher.storedFields();
    List<SearchHit> hits = new ArrayList<>(top.size());
    for (int i = 0; i < top.size(); i++) {
      Document d = stored.document(top.get(i).doc);
      KnowledgeEntry e = g.byId.get(d.get(IndexSchema.ID));
      hits.add(
          new SearchHit(
              e.id(),
              e.type().key(),
              e.title(),
              snippets[i],
              Math.round(top.get(i).score * 10000) / 10000.0,
              e.type() == EntryType.LAW ? e.law() : null,
              e.type() == EntryType.LAW ? e.article() : null));
    }
    return hits;
  }

  /** The keyword query over every field, plus the synonym expansions at a lower weight; null when nothing is left. */
  Query keywordQuery(String text, List<String> expansions) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int clauses = addText(b, text, 1f);
    for (String e : expansions) {
      clauses += addText(b, e, fusion.expansionWeight());
    }
    return clauses == 0 ? null : b.build();
  }

  /** Adds {@code text} on every field; the text is analysed once per analyzer (words, bigrams), not per field. */
  private int addText(BooleanQuery.Builder b, String text, float weight) {
    List<String> words = terms(IndexSchema.TITLE, text);
    List<String> bigrams = terms(IndexSchema.bigram(IndexSchema.TITLE), text);
    int n = 0;
    for (Map.Entry<String, Float> f : FIELDS.entrySet()) {
      List<String> terms = f.getKey().endsWith(IndexSchema.BIGRAM_SUFFIX) ? bigrams : words;
      if (terms.isEmpty()) {
        continue;
      }
      BooleanQuery.Builder field = new BooleanQuery.Builder();
      Map<String, Integer> counts = new LinkedHashMap<>();
      terms.forEach(t -> counts.merge(t, 1, Integer::sum));
      // a repeated term counts as often as it occurs, in one clause
      counts.forEach((t, c) -> {
        Query tq = new TermQuery(new Term(f.getKey(), t));
        field.add(c == 1 ? tq : new BoostQuery(tq, c), BooleanClause.Occur.SHOULD);
      });
      b.add(new BoostQuery(field.build(), f.getValue() * weight), BooleanClause.Occur.SHOULD);
      n++;
    }
    return n;
  }

  private List<String> terms(String field, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Query filtered(Query q, Query filter) {
    if (filter == null) {
      return q;
    }
    return new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST).add(filter, BooleanClause.Occur.FILTER).build();
  }

  /** The cosine of candidates only the keyword half found, read from their stored vectors. */
  private static void completeCosines(IndexSearcher searcher, float[] query, Map<Integer, Double> kw, Map<Integer, Double> cos) throws IOException {
    List<Integer> docs = new ArrayList<>();
    for (Integer doc : kw.keySet()) {
      if (!cos.containsKey(doc)) {
        docs.add(doc);
      }
    }
    docs.sort(Integer::compare);
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    int leafIndex = -1;
    FloatVectorValues values = null;
    for (int doc : docs) {
      int li = ReaderUtil.subIndex(doc, leaves);
      LeafReaderContext leaf = leaves.get(li);
      if (li != leafIndex) {
        leafIndex = li;
        values = leaf.reader().getFloatVectorValues(IndexSchema.VECTOR);
      }
      if (values == null) {
        continue;
      }
      int local = doc - leaf.docBase;
      int at = values.docID() < local ? values.advance(local) : values.docID();
      if (at == local) {
        float[] v = values.vectorValue();
        double dot = 0;
        for (int i = 0; i < v.length; i++) {
          dot += v[i] * query[i];
        }
        cos.put(doc, dot);
      }
    }
  }

  /**
   * Collects the keyword top k and, in the same pass, the score of each wanted document (the vector half's
   * candidates), so the keyword query's weight is built once.
   */
  private static final class KeywordCollector extends SimpleCollector {
    private final int k;
    private final Set<Integer> wanted;
    private final PriorityQueue<ScoreDoc> heap = new PriorityQueue<>((a, b) -> a.score != b.score ? Float.compare(a.score, b.score) : Integer.compare(b.doc, a.doc));
    private final Map<Integer, Double> wantedScores = new HashMap<>();
    private Scorable scorer;
    private int docBase;

    KeywordCollector(int k, Set<Integer> wanted) {
      this.k = k;
      this.wanted = wanted;
    }

    @Override
    protected void doSetNextReader(LeafReaderContext context) {
      docBase = context.docBase;
    }

    @Override
    public void setScorer(Scorable scorer) {
      this.scorer = scorer;
    }

    @Override
    public void collect(int doc) throws IOException {
      float score = scorer.score();
      int global = docBase + doc;
      if (wanted.contains(global)) {
        wantedScores.put(global, (double) score);
      }
      if (heap.size() < k) {
        heap.add(new ScoreDoc(global, score));
      } else if (score > heap.peek().score) {
        heap.poll();
        heap.add(new ScoreDoc(global, score));
      }
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE;
    }

    Map<Integer, Double> top() {
      Map<Integer, Double> out = new HashMap<>();
      heap.forEach(sd -> out.put(sd.doc, (double) sd.score));
      return out;
    }

    Map<Integer, Double> wanted() {
      return wantedScores;
    }
  }

  private static List<Integer> union(Map<Integer, Double> a, Map<Integer, Double> b) {
    List<Integer> out = new ArrayList<>(a.keySet());
    for (Integer d : b.keySet()) {
      if (!a.containsKey(d)) {
        out.add(d);
      }
    }
    return out;
  }

  /** A plain-text passage of each hit's body around the matched words (the body's start when nothing matched). */
  private String[] snippets(IndexSearcher searcher, Query keyword, List<ScoreDoc> top) throws IOException {
    String[] out = new String[top.size()];
    if (top.isEmpty()) {
      return out;
    }
    String[] raw = null;
    if (keyword != null) {
      UnifiedHighlighter h = UnifiedHighlighter.builder(searcher, analyzer)
          .withMaxNoHighlightPassages(1)
          .withFormatter(new DefaultPassageFormatter("", "", "…", false))
          .withBreakIterator(() -> BreakIterator.getSentenceInstance(Locale.SIMPLIFIED_CHINESE))
          .build();
      ScoreDoc[] docs = top.toArray(new ScoreDoc[0]);
      raw = h.highlight(IndexSchema.BODY, keyword, new TopDocs(new TotalHits(docs.length, TotalHits.Relation.EQUAL_TO), docs), 1);
    }
    StoredFields stored = searcher.storedFields();
    for (int i = 0; i < top.size(); i++) {
      String s = raw == null ? null : raw[i];
      if (s == null) {
        s = stored.document(top.get(i).doc).get(IndexSchema.BODY);
      }
      out[i] = trim(s == null ? "" : s);
    }
    return out;
  }

  private static String[] blank(int n) {
    String[] out = new String[n];
    java.util.Arrays.fill(out, "");
    return out;
  }

  private static String trim(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= 160 ? one : one.substring(0, 159) + "…";
  }
}
