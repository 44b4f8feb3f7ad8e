package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index lifecycle: build once per content hash, reopen on restart, swap without downtime. */
class KnowledgeIndexTest {
  static final Embedder EMBEDDER = TestKnowledge.embedder();

  static void writeKnowledge(Path dir, String extraTitle) throws IOException {
    Files.createDirectories(dir.resolve("publicity"));
    Files.writeString(dir.resolve("publicity/wage.md"), """
        ---
        id: pf-labor-001
        title: 老板拖欠工资怎么办
        questions: [干完活老板不给钱, 工资被拖欠三个月]
        category: labor
        basis: [《中华人民共和国劳动合同法》第三十条]
        ---
        ## 怎么办
        先找用人单位协商，再向劳动保障监察投诉或申请劳动仲裁。
        """);
    Files.writeString(dir.resolve("publicity/land.md"), """
        ---
        id: pf-land_housing-001
        title: %s
        questions: [邻居占了我家宅基地]
        category: land_housing
        ---
        ## 怎么办
        先请村委会或人民调解委员会调解，调解不成可以申请确权或起诉。
        """.formatted(extraTitle));
    Files.writeString(dir.resolve("synonyms.txt"), "工钱 => 劳动报酬\n");
  }

  static HybridSearcher searcher(KnowledgeIndex index) {
    return new HybridSearcher(index.analyzer(), EMBEDDER, Caffeine.newBuilder().maximumSize(100).<String, float[]>build(), HybridSearcher.Fusion.DEFAULT);
  }

  static List<String> folders(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  @DisplayName("an index is built once per content hash and reopened, not rebuilt, after a restart")
  void reusesGeneration(@TempDir Path tmp) throws Exception {
    Path knowledge = tmp.resolve("knowledge");
    writeKnowledge(knowledge, "宅基地被邻居占了怎么办");
    Path root = tmp.resolve("index");
    KnowledgeIndex first = new KnowledgeIndex(root, EMBEDDER);
    KnowledgeBase kb = new KnowledgeSources(Optional.of(knowledge), Optional.empty(), first.salt()).load();
    assertTrue(first.load(kb));
    assertFalse(first.load(kb), "same sources: nothing to do");
    List<String> built = folders(root);
    assertEquals(1, built.size());
    Path ready = root.resolve(built.get(0)).resolve("READY");
    FileTime stamp = Files.getLastModifiedTime(ready);
    first.close();

    KnowledgeIndex second = new KnowledgeIndex(root, EMBEDDER);
    KnowledgeBase again = new KnowledgeSources(Optional.of(knowledge), Optional.empty(), second.salt()).load();
    assertEquals(kb.contentHash(), again.contentHash());
    assertTrue(second.load(again));
    assertEquals(built, folders(root));
    assertEquals(stamp, Files.getLastModifiedTime(ready), "the ready generation was opened, not rebuilt");
    List<SearchHit> hits = second.withSearcher(g -> searcher(second).search(g, SearchRequest.of("老板不发工钱", 5)));
    assertEquals("pf-labor-001", hits.get(0).id());
    second.close();
  }

  /** Counts the passages it is asked to embed. */
  static final class CountingEmbedder implements Embedder {
    final java.util.concurrent.atomic.AtomicInteger passages = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public String id() {
      return EMBEDDER.id();
    }

    @Override
    public int dimension() {
      return EMBEDDER.dimension();
    }

    @Override
    public float[] embedQuery(String text) {
      return EMBEDDER.embedQuery(text);
    }

    @Override
    public List<float[]> embedPassages(List<String> texts) {
      passages.addAndGet(texts.size());
      return EMBEDDER.embedPassages(texts);
    }
  }

  @Test
  @DisplayName("the administrators' knowledge merges with the files (an imported power list replaces theirs) and a rebuild embeds only what changed")
  void adminKnowledgeAndReusedVectors(@TempDir Path tmp) throws Exception {
    Path knowledge = tmp.resolve("knowledge");
    writeKnowledge(knowledge, "宅基地被邻居占了怎么办");
    Files.createDirectories(knowledge.resolve("power-list"));
    Files.writeString(knowledge.resolve("power-list/list.csv"), String.join(",", PowerListParser.COLUMNS) + "\n"
        + "CF-001,对违法排污的处罚,行政处罚,,,,,,,,窗口办理,,,\n");
    CountingEmbedder embedder = new CountingEmbedder();
    KnowledgeIndex index = new KnowledgeIndex(tmp.resolve("index"), embedder);
    KnowledgeSources sources = new KnowledgeSources(Optional.of(knowledge), Optional.empty(), index.salt());
    KnowledgeBase files = sources.load(AdminKnowledge.NONE);
    assertEquals(sources.contentHash(), files.contentHash(), "no console knowledge: the hash of the files alone");
    index.load(files);
    assertEquals(3, embedder.passages.get());

    java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
    PowerListParser.COLUMNS.forEach(c -> fields.put(c, ""));
    fields.put("职权编码", "XK-009");
    fields.put("职权名称", "户外广告设施设置审批");
    fields.put("职权类型", "行政许可");
    AdminKnowledge admin = new AdminKnowledge(3,
        Optional.of(new AdminKnowledge.PowerList(1, "清单.xlsx", "admin", java.time.Instant.EPOCH, List.of(new AdminKnowledge.PowerListRow(2, fields)))),
        List.of(new AdminKnowledge.Entry("pf-admin-0001", "外地人怎么办理居住证", List.of("居住证怎么办"), "到派出所申领。", "administrative", List.of(), "admin",
            java.time.Instant.EPOCH)));
    KnowledgeBase merged = sources.load(admin);
    assertEquals(sources.contentHash(admin), merged.contentHash(), "the cheap hash covers the console's knowledge");
    assertNotEquals(files.contentHash(), merged.contentHash());
    assertEquals(List.of("pf-land_housing-001", "pf-labor-001", "power-XK-009", "pf-admin-0001"), merged.entries().stream().map(KnowledgeEntry::id).toList(),
        "the imported list replaces the files' list; console entries are added");
    assertEquals("admin/power-list/清单.xlsx:2", merged.byId().get("power-XK-009").source());
    assertTrue(index.load(merged));
    assertEquals(5, embedder.passages.get(), "only the two new passages were embedded");
    List<SearchHit> hits = index.withSearcher(g -> searcher(index).search(g, SearchRequest.of("居住证怎么办", 3)));
    assertEquals("pf-admin-0001", hits.get(0).id());
    KnowledgeIndex fresh = new KnowledgeIndex(tmp.resolve("fresh"), EMBEDDER);
    fresh.load(merged);
    for (String q : List.of("干完活老板不给钱", "邻居占了宅基地", "户外广告审批")) {
      List<SearchHit> expected = fresh.withSearcher(g -> searcher(fresh).search(g, SearchRequest.of(q, 5)));
      List<SearchHit> actual = index.withSearcher(g -> searcher(index).search(g, SearchRequest.of(q, 5)));
      assertEquals(expected, actual, "reused vectors rank and score exactly as freshly computed ones: " + q);
    }
    fresh.close();
    index.close();
  }

  @Test
  @DisplayName("a changed source builds a new generation beside the live one, swaps it in while searches run, and deletes the old")
  void swapsWithoutDowntime(@TempDir Path tmp) throws Exception {
    Path knowledge = tmp.resolve("knowledge");
    writeKnowledge(knowledge, "宅基地被邻居占了怎么办");
    Path root = tmp.resolve("index");
    KnowledgeIndex index = new KnowledgeIndex(root, EMBEDDER);
    KnowledgeSources sources = new KnowledgeSources(Optional.of(knowledge), Optional.empty(), index.salt());
    KnowledgeBase v1 = sources.load();
    index.load(v1);
    HybridSearcher s = searcher(index);

    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<Integer> searches = pool.submit(() -> {
      int n = 0;
      while (!stop.get()) {
        List<SearchHit> hits = index.withSearcher(g -> s.search(g, SearchRequest.of("宅基地", 3)));
        if (hits.isEmpty()) {
          throw new AssertionError("a search during the swap found nothing");
        }
        n++;
      }
      return n;
    });
    writeKnowledge(knowledge, "宅基地纠纷找谁调解");
    assertNotEquals(v1.contentHash(), sources.contentHash(), "the cheap hash sees the change");
    KnowledgeBase v2 = sources.load();
    assertEquals(v2.contentHash(), sources.contentHash(), "the cheap hash equals the hash of a full load");
    assertNotEquals(v1.contentHash(), v2.contentHash());
    assertTrue(index.load(v2));
    Thread.sleep(200);
    stop.set(true);
    assertTrue(searches.get(30, TimeUnit.SECONDS) > 0);
    pool.shutdown();

    assertEquals("宅基地纠纷找谁调解", index.entry("pf-land_housing-001").orElseThrow().title());
    List<SearchHit> hits = index.withSearcher(g -> s.search(g, SearchRequest.of("宅基地纠纷找谁调解", 1)));
    assertEquals("宅基地纠纷找谁调解", hits.get(0).title());
    assertEquals(List.of(v2.contentHash().substring(0, 32)), folders(root), "only the live generation is left");
    index.close();
  }

  @Test
  @DisplayName("without an embedding model the index is keyword-only and still answers")
  void keywordOnly(@TempDir Path tmp) throws Exception {
    Path knowledge = tmp.resolve("knowledge");
    writeKnowledge(knowledge, "宅基地被邻居占了怎么办");
    KnowledgeIndex index = new KnowledgeIndex(tmp.resolve("index"), null);
    index.load(new KnowledgeSources(Optional.of(knowledge), Optional.empty(), index.salt()).load());
    HybridSearcher s = new HybridSearcher(index.analyzer(), null, Caffeine.newBuilder().<String, float[]>build(), HybridSearcher.Fusion.DEFAULT);
    List<SearchHit> hits = index.withSearcher(g -> s.search(g, SearchRequest.of("邻居占宅基地", 5)));
    assertEquals("pf-land_housing-001", hits.get(0).id());
    index.close();
  }
}
