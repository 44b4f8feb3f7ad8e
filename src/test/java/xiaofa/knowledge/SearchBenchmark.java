package xiaofa.knowledge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Hybrid search latency over the full corpus (knowledge + the 25 laws), with the query-embedding cache off so every
 * search embeds its question: the 447 development questions in turn. Run with {@code bench/search-benchmark.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SearchBenchmark {
  @Param({"hybrid"})
  public String mode;

  private Vertx vertx;
  private KnowledgeIndex index;
  private KnowledgeService service;
  private final List<String> questions = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path shared = Path.of(System.getProperty("xiaofa.shared", "../shared/data"));
    if (!Files.isDirectory(shared.resolve("laws"))) {
      throw new IllegalStateException("the benchmark needs the shared data folder (laws/, legal-questions-dev.jsonl) at " + shared.toAbsolutePath());
    }
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(shared.resolve("legal-questions-dev.jsonl"))) {
      if (!line.isBlank()) {
        String q = json.readTree(line).path("question").asText();
        questions.add(q.length() > SearchRequest.MAX_QUERY_LENGTH ? q.substring(0, SearchRequest.MAX_QUERY_LENGTH) : q);
      }
    }
    vertx = Vertx.vertx();
    index = new KnowledgeIndex(Path.of("target/bench-data/index"), new BgeSmallZhEmbedder());
    KnowledgeSources sources = new KnowledgeSources(Optional.of(Path.of("knowledge")), Optional.of(shared.resolve("laws")), index.salt());
    service = new KnowledgeService(vertx, sources, index, 2, 0);
    service.start(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    service.stop().toCompletionStage().toCompletableFuture().get();
    index.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Benchmark
  public SearchResult search() {
    String q = questions.get(Math.floorMod(next.getAndIncrement(), questions.size()));
    return service.searchNow(new SearchRequest(q, 10, Optional.empty(), SearchRequest.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT))));
  }
}
