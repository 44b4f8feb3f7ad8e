package xiaofa.knowledge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the Lucene index's lifecycle. The index is a series of immutable <em>generations</em>, one folder per
 * content hash under {@code data/index}: a generation is built once by one {@link IndexWriter} (on the single
 * indexing thread), committed, marked ready, and then only read. A restart with unchanged sources opens the ready
 * folder instead of rebuilding. A rebuild happens beside the live generation and is swapped in atomically; readers
 * are reference-counted, so searches in flight finish on the old generation, which is then closed and deleted.
 *
 * <p>Threading: {@link #load} only on the indexing thread; {@link #withSearcher} from any worker thread.
 */
public final class KnowledgeIndex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KnowledgeIndex.class);
  private static final String READY = "READY";
  private static final int BATCH = 64;

  static {
    // a 200-character question yields ~200 bigrams on each of five bigram fields, plus words and synonyms:
    // more than Lucene's default of 1024 clauses in one query
    IndexSearcher.setMaxClauseCount(Math.max(IndexSearcher.getMaxClauseCount(), 16_384));
  }

  private final Path root;
  private final Embedder embedder;
  private final Analyzer analyzer = IndexSchema.analyzer();
  private final AtomicReference<Generation> current = new AtomicReference<>();

  /** @param embedder the model for the vector field, or null for a keyword-only index */
  public KnowledgeIndex(Path root, Embedder embedder) {
    this.root = root;
    this.embedder = embedder;
  }

  /** One immutable index with the knowledge it was built from. */
  static final class Generation {
    final KnowledgeBase knowledge;
    final Map<String, KnowledgeEntry> byId;
    final DirectoryReader reader;
    final IndexSearcher searcher;
    private final BitSet lawDocs;

    Generation(KnowledgeBase knowledge, DirectoryReader reader) throws IOException {
      this.knowledge = knowledge;
      this.byId = knowledge.byId();
      this.reader = reader;
      this.searcher = new IndexSearcher(reader);
      this.lawDocs = new BitSet(reader.maxDoc());
      StoredFields stored = reader.storedFields();
      for (int doc = 0; doc < reader.maxDoc(); doc++) {
        if (EntryType.LAW.key().equals(stored.document(doc, Set.of(IndexSchema.TYPE)).get(IndexSchema.TYPE))) {
          lawDocs.set(doc);
        }
      }
    }

    /** Documents that are law articles; read-only. */
    BitSet lawDocs() {
      return lawDocs;
    }
  }

  /** The salt of the content hash: schema version and model, so that changing either rebuilds. */
  public String salt() {
    return "schema=" + IndexSchema.VERSION + ";model=" + (embedder == null ? "none" : embedder.id()) + "\n";
  }

  public boolean hasVectors() {
    return embedder != null;
  }

  Embedder embedder() {
    return embedder;
  }

  Analyzer analyzer() {
    return analyzer;
  }

  /** The knowledge of the live generation, or null before the first load. */
  public KnowledgeBase knowledge() {
    Generation g = current.get();
    return g == null ? null : g.knowledge;
  }

  /** An entry of the live generation. */
  public Optional<KnowledgeEntry> entry(String id) {
    Generation g = current.get();
    return g == null ? Optional.empty() : Optional.ofNullable(g.byId.get(id));
  }

  public boolean isLoaded() {
    return current.get() != null;
  }

  /**
   * Makes {@code kb} live: opens its ready generation, or builds it first. Blocking; indexing thread only.
   *
   * @return true when a new generation was swapped in, false when {@code kb} was already live
   */
  public boolean load(KnowledgeBase kb) {
    Generation live = current.get();
    if (live != null && live.knowledge.contentHash().equals(kb.contentHash())) {
      return false;
    }
    try {
      Files.createDirectories(root);
      Path dir = root.resolve(kb.contentHash().substring(0, 32));
      if (!Files.exists(dir.resolve(READY))) {
        build(kb, dir);
      } else {
        log.info("index {} is up to date with the sources; opening it", dir.getFileName());
      }
      Directory directory = FSDirectory.open(dir);
      DirectoryReader reader = DirectoryReader.open(directory);
      reader.getReaderCacheHelper().addClosedListener(key -> closeQuietly(directory));
      Generation old = current.getAndSet(new Generation(kb, reader));
      if (old != null) {
        old.reader.decRef();
      }
      deleteStale(dir);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the index under " + root, e);
    }
  }

  /**
   * Runs {@code work} with a searcher of the live generation, held for the call. Any worker thread.
   *
   * @throws IllegalStateException when no generation is loaded yet
   */
  <T> T withSearcher(Function<Generation, T> work) {
    while (true) {
      Generation g = current.get();
      if (g == null) {
        throw new IllegalStateException("index not loaded");
      }
      if (g.reader.tryIncRef()) {
        try {
          return work.apply(g);
        } finally {
          try {
            g.reader.decRef();
          } catch (IOException e) {
            log.warn("closing a retired index reader failed", e);
          }
        }
      }
      // swapped and closed between get() and tryIncRef(): take the new one
    }
  }

  private void build(KnowledgeBase kb, Path dir) throws IOException {
    Path tmp = root.resolve(dir.getFileName() + ".building");
    deleteTree(tmp);
    List<KnowledgeEntry> entries = kb.entries();
    long start = System.nanoTime();
    log.info("building index {} from {} entries{}", dir.getFileName(), entries.size(), embedder == null ? " (keyword only)" : " with " + embedder.id() + " embeddings");
    IndexWriterConfig cfg = new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE).setRAMBufferSizeMB(64);
    Map<String, List<String>> asked = askedAs(entries);
    Map<String, float[]> known = embedder == null ? Map.of() : liveVectors();
    int reused = 0;
    int nextReport = entries.size() / 10;
    try (Directory d = FSDirectory.open(tmp);
        IndexWriter writer = new IndexWriter(d, cfg)) {
      for (int from = 0; from < entries.size(); from += BATCH) {
        List<KnowledgeEntry> batch = entries.subList(from, Math.min(entries.size(), from + BATCH));
        List<float[]> vectors = null;
        if (embedder != null) {
          List<String> passages = new ArrayList<>(batch.size());
          batch.forEach(e -> passages.add(IndexSchema.passage(e, asked.getOrDefault(e.id(), List.of()))));
          // a passage the live generation has already embedded keeps its vector (an edit in the console re-embeds
          // only what it changed); the model is deterministic, so this is the vector it would compute again
          List<String> missing = passages.stream().filter(p -> !known.containsKey(p)).distinct().toList();
          Map<String, float[]> fresh = new HashMap<>();
          if (!missing.isEmpty()) {
            List<float[]> embedded = embedder.embedPassages(missing);
            for (int i = 0; i < missing.size(); i++) {
              fresh.put(missing.get(i), embedded.get(i));
            }
          }
          vectors = new ArrayList<>(batch.size());
          for (String p : passages) {
            float[] v = known.get(p);
            if (v != null) {
              reused++;
            }
            vectors.add(v != null ? v : fresh.get(p));
          }
        }
        for (int i = 0; i < batch.size(); i++) {
          KnowledgeEntry e = batch.get(i);
          writer.addDocument(IndexSchema.document(e, asked.getOrDefault(e.id(), List.of()), vectors == null ? null : vectors.get(i)));
        }
        int done = from + batch.size();
        if (done >= nextReport && done < entries.size()) {
          log.info("indexing: {}/{} entries ({}%), {} s", done, entries.size(), done * 100 / entries.size(), seconds(start));
          nextReport = done + Math.max(1, entries.size() / 10);
        }
      }
      writer.forceMerge(1);
      writer.commit();
    }
    Files.writeString(tmp.resolve(READY), kb.contentHash() + "\n" + kb.counts() + "\n", StandardCharsets.UTF_8);
    deleteTree(dir);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    log.info("index {} built: {} entries in {} s ({} embeddings reused from the live generation)", dir.getFileName(), entries.size(), seconds(start), reused);
  }

  /**
   * The live generation's vectors by the passage they embed, read back from its index (so also after a restart that
   * opened it from disk); empty when there is none. Indexing thread only.
   */
  private Map<String, float[]> liveVectors() throws IOException {
    Generation g = current.get();
    if (g == null || !g.reader.tryIncRef()) {
      return Map.of();
    }
    try {
      Map<String, List<String>> asked = askedAs(g.knowledge.entries());
      Map<String, float[]> out = new HashMap<>();
      for (LeafReaderContext leaf : g.reader.leaves()) {
        FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexSchema.VECTOR);
        if (values == null) {
          continue;
        }
        StoredFields stored = leaf.reader().storedFields();
        for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
          KnowledgeEntry e = g.byId.get(stored.document(doc, Set.of(IndexSchema.ID)).get(IndexSchema.ID));
          if (e != null) {
            out.put(IndexSchema.passage(e, asked.getOrDefault(e.id(), List.of())), values.vectorValue().clone());
          }
        }
      }
      return out;
    } finally {
      g.reader.decRef();
    }
  }

  /**
   * For each cited law article, the titles of the knowledge entries citing it (their questions too, up to a few):
   * how residents ask about that article.
   */
  static Map<String, List<String>> askedAs(List<KnowledgeEntry> entries) {
    Map<String, List<String>> out = new HashMap<>();
    for (KnowledgeEntry e : entries) {
      if (e.type() == EntryType.LAW) {
        continue;
      }
      for (String b : e.basis()) {
        Citation.parse(b).ifPresent(c -> {
          List<String> list = out.computeIfAbsent(c.entryId(), k -> new ArrayList<>());
          list.add(e.title());
          list.addAll(e.questions().subList(0, Math.min(3, e.questions().size())));
        });
      }
    }
    return out;
  }

  /** Removes folders of other generations that no reader uses and unfinished builds. */
  private void deleteStale(Path keep) throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : s.toList()) {
        if (!p.equals(keep) && Files.isDirectory(p)) {
          try {
            deleteTree(p);
          } catch (IOException e) {
            log.debug("stale index folder {} not deleted yet: {}", p, e.toString());
          }
        }
      }
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  private static String seconds(long startNanos) {
    return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
  }

  private static void closeQuietly(Directory d) {
    try {
      d.close();
    } catch (IOException e) {
      log.warn("closing an index directory failed", e);
    }
  }

  @Override
  public void close() throws IOException {
    Generation g = current.getAndSet(null);
    if (g != null) {
      g.reader.decRef();
    }
  }
}
