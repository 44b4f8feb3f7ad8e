package xiaofa.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import xiaofa.platform.Database;
import xiaofa.platform.SqlTime;
import xiaofa.platform.TestDatabases;

/**
 * The live stream's poller on H2 and PostgreSQL: every event is passed on once and in order, in batches; an event
 * whose id was handed out earlier but committed later (another node's slower transaction) still arrives; a gap
 * that never fills is given up after the wait, so the floor moves on.
 */
@DisplayName("The case-event poller")
class EventPollerTest {
  private final Vertx vertx = Vertx.vertx();
  private Database db;
  private volatile EventPoller poller;

  @AfterEach
  void close() throws Exception {
    if (poller != null) {
      vertx.runOnContext(v -> poller.stop());
    }
    if (db != null) {
      db.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void insertCase() throws Exception {
    Instant now = Instant.parse("2026-11-24T02:00:00Z");
    Database.execute(db.pool(), "INSERT INTO cases (id, channel, user_ref, category, urgent, summary, status, created_at, updated_at, first_response_due)"
        + " VALUES ('XF-20261124-0001', 'web', 'u1', 'labor', FALSE, '工资', 'new', ?, ?, ?)", Tuple.of(SqlTime.param(now), SqlTime.param(now), SqlTime.param(now)))
        .await(10, TimeUnit.SECONDS);
  }

  /** An event with this very id, as if another node's transaction had just committed it. */
  private void commit(long... ids) throws Exception {
    for (long id : ids) {
      Database.execute(db.pool(), "INSERT INTO case_events (id, case_id, created_at, kind, actor, text, data) VALUES (?, 'XF-20261124-0001', ?, 'resident_message', 'resident', ?, NULL)",
          Tuple.of(id, SqlTime.param(Instant.now()), "消息 " + id)).await(10, TimeUnit.SECONDS);
    }
  }

  private static void eventually(Supplier<Boolean> condition, String what) throws Exception {
    for (int i = 0; i < 100 && !condition.get(); i++) {
      Thread.sleep(20);
    }
    assertTrue(condition.get(), what);
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("passes every event on once, late commits included, and gives up a gap that never fills")
  void lateCommitsAndGaps(String kind) throws Exception {
    db = Database.open(vertx, TestDatabases.fresh(kind), Path.of("target")).await(60, TimeUnit.SECONDS);
    insertCase();
    commit(1, 2);
    List<Long> seen = new CopyOnWriteArrayList<>();
    DeskReads reads = new DeskReads(db.pool());
    vertx.runOnContext(v -> poller = new EventPoller(vertx, reads, 20, 10, Duration.ofMillis(600), batch -> batch.forEach(e -> seen.add(e.id()))));
    eventually(() -> poller != null && poller.ready().isComplete(), "the poller starts");
    assertEquals(2, poller.floor(), "it starts after the latest event");

    commit(3);
    eventually(() -> seen.equals(List.of(3L)), "a new event arrives: " + seen);
    commit(5); // 4 was handed out first but commits later
    eventually(() -> seen.equals(List.of(3L, 5L)), "5 arrives at once: " + seen);
    assertEquals(3, poller.floor(), "the floor waits below the gap");
    commit(4);
    eventually(() -> seen.equals(List.of(3L, 5L, 4L)), "the late 4 arrives too: " + seen);
    eventually(() -> poller.floor() == 5, "and the gap closes");

    commit(7); // 6 never commits (a rolled-back insert)
    eventually(() -> seen.size() == 4, "7 arrives");
    Thread.sleep(900);
    assertEquals(7, poller.floor(), "the gap at 6 was given up after the wait");

    long[] burst = LongStream.rangeClosed(8, 42).toArray();
    commit(burst);
    eventually(() -> seen.size() == 4 + burst.length, "a burst of 35 arrives in batches of 10: " + seen);
    List<Long> expected = new ArrayList<>(List.of(3L, 5L, 4L, 7L));
    LongStream.of(burst).forEach(expected::add);
    assertEquals(expected, seen, "each once, in id order within the burst");
    assertEquals(42, poller.floor());
  }
}
