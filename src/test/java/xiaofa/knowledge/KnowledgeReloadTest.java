package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading with the administrators' knowledge: a change made during a reload is live when its own reload answers. */
class KnowledgeReloadTest {

  @Test
  @DisplayName("a reload asked for while one runs runs again afterwards, so the caller's change is live when it completes")
  void reloadDuringReload(@TempDir Path tmp) throws Exception {
    Path knowledge = tmp.resolve("knowledge");
    KnowledgeIndexTest.writeKnowledge(knowledge, "宅基地被邻居占了怎么办");
    KnowledgeIndex index = new KnowledgeIndex(tmp.resolve("index"), null);
    KnowledgeSources sources = new KnowledgeSources(Optional.of(knowledge), Optional.empty(), index.salt());
    List<Promise<AdminKnowledge>> reads = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    KnowledgeService service = new KnowledgeService(vertx, sources, index, 1, 10, 0, () -> {
      Promise<AdminKnowledge> p = Promise.promise();
      synchronized (reads) {
        reads.add(p);
      }
      return p.future();
    });
    try {
      Future<Boolean> first = service.reload();
      Future<Boolean> second = service.reload();
      Future<Boolean> third = service.reload();
      assertEquals(1, reads.size(), "one reload at a time");
      reads.get(0).complete(AdminKnowledge.NONE);
      assertTrue(first.await(30, TimeUnit.SECONDS));
      for (int i = 0; i < 100 && reads.size() < 2; i++) {
        Thread.sleep(20);
      }
      assertEquals(2, reads.size(), "the calls made meanwhile share one more reload");
      AdminKnowledge.Entry entry = new AdminKnowledge.Entry("pf-admin-0001", "外地人怎么办理居住证", List.of("居住证怎么办"), "到派出所申领。", "administrative", List.of(),
          "admin", Instant.EPOCH);
      reads.get(1).complete(new AdminKnowledge(1, Optional.empty(), List.of(entry)));
      assertTrue(second.await(30, TimeUnit.SECONDS));
      assertTrue(third.await(30, TimeUnit.SECONDS));
      assertTrue(service.entry("pf-admin-0001").isPresent());

      Future<Boolean> failing = service.reload();
      reads.get(2).fail(new IllegalStateException("database down"));
      for (int i = 0; i < 500 && !failing.isComplete(); i++) {
        Thread.sleep(10);
      }
      assertTrue(failing.failed(), "the reload fails with the database read");
      assertTrue(service.entry("pf-admin-0001").isPresent(), "a failed read keeps the live knowledge");
      Future<Boolean> after = service.reload();
      reads.get(3).complete(new AdminKnowledge(1, Optional.empty(), List.of(entry)));
      assertFalse(after.await(30, TimeUnit.SECONDS), "a reload after a failure runs, and finds nothing changed");
    } finally {
      service.stop().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
      index.close();
    }
  }
}
