package xiaofa.knowledge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.platform.ApiException;

/**
 * The knowledge capability's API for the rest of xiaofa: search, entries by id, counts, reload. Every method
 * returns at once; Lucene work runs on the {@code xiaofa-search} worker pool (unordered, so searches run in
 * parallel) and loading/indexing on the single {@code xiaofa-indexer} thread.
 */
public final class KnowledgeService {
  private static final Logger log = LoggerFactory.getLogger(KnowledgeService.class);

  private final Vertx vertx;
  private final KnowledgeSources sources;
  private final KnowledgeIndex index;
  private final HybridSearcher searcher;
  private final WorkerExecutor searchPool;
  private final WorkerExecutor indexer;
  private final Supplier<Future<AdminKnowledge>> admin;
  /** The reload under way, and at most one waiting to run after it (guarded by this). */
  private Future<Boolean> reloading;
  private Promise<Boolean> reloadAgain;
  private long pollTimer = -1;

  /** Without a cache of search results: what evaluation tools and benchmarks measure. */
  public KnowledgeService(Vertx vertx, KnowledgeSources sources, KnowledgeIndex index, int searchThreads, int queryCacheSize) {
    this(vertx, sources, index, searchThreads, queryCacheSize, 0);
  }

  /** {@code resultCacheSize} searches are remembered with their hits, per index generation. */
  public KnowledgeService(Vertx vertx, KnowledgeSources sources, KnowledgeIndex index, int searchThreads, int queryCacheSize, int resultCacheSize) {
    this(vertx, sources, index, searchThreads, queryCacheSize, resultCacheSize, () -> Future.succeededFuture(AdminKnowledge.NONE));
  }

  /**
   * With the knowledge administrators keep in the database: {@code admin} reads it (asynchronously, on any thread)
   * before every reload, which merges it with the files.
   */
  public KnowledgeService(Vertx vertx, KnowledgeSources sources, KnowledgeIndex index, int searchThreads, int queryCacheSize, int resultCacheSize,
      Supplier<Future<AdminKnowledge>> admin) {
    this.vertx = vertx;
    this.admin = admin;
    this.sources = sources;
    this.index = index;
    Cache<String, float[]> cache = Caffeine.newBuilder().maximumSize(queryCacheSize).expireAfterAccess(1, TimeUnit.HOURS).recordStats().build();
    this.searcher = new HybridSearcher(index.analyzer(), index.embedder(), cache, resultCacheSize, HybridSearcher.Fusion.DEFAULT);
    this.searchPool = vertx.createSharedWorkerExecutor("xiaofa-search", searchThreads);
    this.indexer = vertx.createSharedWorkerExecutor("xiaofa-indexer", 1, 30, TimeUnit.MINUTES);
  }

  /**
   * Loads the sources and makes the index live (building it when the sources changed), then checks for changes
   * every {@code pollSeconds} (0: never). Completes when the index is live.
   */
  public Future<Void> start(int pollSeconds) {
    log.info("loading knowledge from {}", sources.describe());
    return reload().map(changed -> {
      if (pollSeconds > 0) {
        pollTimer = vertx.setPeriodic(pollSeconds * 1000L, id -> reload().onFailure(e -> log.error("knowledge reload failed", e)));
      }
      return null;
    });
  }

  /**
   * Re-reads the sources (files and the administrators' knowledge) and swaps in a new index generation when their
   * content hash changed; the live generation keeps serving meanwhile. Completes with true when a new generation went
   * live. A call during a reload runs once more after it (calls meanwhile share that run), so a caller that has just
   * changed a source sees its change live when the future completes.
   */
  public synchronized Future<Boolean> reload() {
    if (reloading == null) {
      return startReload();
    }
    if (reloadAgain == null) {
      reloadAgain = Promise.promise();
    }
    return reloadAgain.future();
  }

  /** Starts a reload; the caller holds the lock. */
  private Future<Boolean> startReload() {
    Promise<Boolean> done = Promise.promise();
    reloading = done.future();
    Future<Boolean> work;
    try {
      work = admin.get().compose(this::reloadWith);
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    work.onComplete(ar -> {
      reloadFinished();
      done.handle(ar);
    });
    return done.future();
  }

  private synchronized void reloadFinished() {
    reloading = null;
    Promise<Boolean> next = reloadAgain;
    reloadAgain = null;
    if (next != null) {
      startReload().onComplete(next);
    }
  }

  private Future<Boolean> reloadWith(AdminKnowledge a) {
    return indexer.<Boolean>executeBlocking(() -> {
      KnowledgeBase live = index.knowledge();
      if (live != null && live.contentHash().equals(sources.contentHash(a))) {
        return false;
      }
      KnowledgeBase kb = sources.load(a);
      kb.problems().forEach(p -> log.warn("knowledge source problem: {}", p));
      boolean swapped = index.load(kb);
      Map<EntryType, Integer> c = kb.counts();
      log.info("knowledge live: {} power items, {} disclosure pages, {} publicity entries, {} law articles, {} synonyms, {} problems",
          c.get(EntryType.POWER), c.get(EntryType.DISCLOSURE), c.get(EntryType.PUBLICITY), c.get(EntryType.LAW), kb.synonyms().size(), kb.problems().size());
      return swapped;
    }, true);
  }

  public boolean isReady() {
    return index.isLoaded();
  }

  /** Searches the live index. Fails with a 503 {@link ApiException} while the first index is being built. */
  public Future<SearchResult> search(SearchRequest request) {
    if (!index.isLoaded()) {
      return Future.failedFuture(ApiException.unavailable("index_loading", "知识库索引正在建立，请稍后再试。"));
    }
    if (request.mode() == SearchRequest.Mode.VECTOR && !index.hasVectors()) {
      return Future.failedFuture(ApiException.badRequest("vectors_disabled", "本服务未启用语义（向量）检索。"));
    }
    return searchPool.executeBlocking(() -> searchNow(request), false);
  }

  /**
   * The question's embedding, as the search for it used (cached), on the search pool; empty when the embedding model
   * is off.
   */
  public Future<Optional<float[]>> embed(String query) {
    return searchPool.executeBlocking(() -> Optional.ofNullable(searcher.queryVector(query)), false);
  }

  /** The embedding model, when vectors are on; blocking, for training on a worker thread. */
  public Optional<Embedder> embedder() {
    return Optional.ofNullable(index.embedder());
  }

  /** The same search, blocking; for benchmarks and evaluation tools running off the event loop. */
  public SearchResult searchNow(SearchRequest request) {
    long start = System.nanoTime();
    var hits = index.withSearcher(g -> searcher.search(g, request));
    return new SearchResult(request.query(), (System.nanoTime() - start) / 1_000_000, hits);
  }

  /** The whole entry, from the live generation. */
  public Optional<KnowledgeEntry> entry(String id) {
    return index.entry(id);
  }

  /** The knowledge of the live generation, empty before the first load. */
  public Optional<KnowledgeBase> live() {
    return Optional.ofNullable(index.knowledge());
  }

  /** Entry counts by type of the live generation (zeros before the first load). */
  public Map<EntryType, Integer> stats() {
    KnowledgeBase kb = index.knowledge();
    return kb == null ? KnowledgeBase.EMPTY.counts() : kb.counts();
  }

  /** Problems found in the sources of the live generation. */
  public List<SourceProblem> problems() {
    KnowledgeBase kb = index.knowledge();
    return kb == null ? List.of() : kb.problems();
  }

  public Future<Void> stop() {
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    return Future.all(searchPool.close(), indexer.close()).mapEmpty();
  }
}
