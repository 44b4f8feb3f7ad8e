package xiaofa.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;
import xiaofa.platform.TestDatabases;

@DisplayName("The outbox")
class OutboxTest {
  private final Vertx vertx = Vertx.vertx();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T02:00:00Z"));
  private Database db;

  @AfterEach
  void close() throws Exception {
    if (db != null) {
      db.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Outbox outbox(String kind) throws Exception {
    db = Database.open(vertx, TestDatabases.fresh(kind), Path.of("target")).await(60, TimeUnit.SECONDS);
    return new Outbox(vertx, db.pool(), clock, Outbox.Options.DEFAULT, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  private static OutboxMessage msg(String recipient, String key) {
    return OutboxMessage.of("test", recipient, "advisor_reply", null, new JsonObject().put("text", key), key);
  }

  private long count(String where) throws Exception {
    return Database.execute(db.pool(), "SELECT COUNT(*) AS n FROM outbox WHERE " + where).await(10, TimeUnit.SECONDS).iterator().next().getLong("n");
  }

  /** A sender that fails the first {@code failures} attempts of each message and records what it delivered. */
  static final class FlakySender implements ChannelSender {
    final List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
    final int failures;

    FlakySender(int failures) {
      this.failures = failures;
    }

    @Override
    public String channel() {
      return "test";
    }

    @Override
    public Future<Delivery> send(OutboxMessage m) {
      if (m.text().startsWith("never")) {
        return Future.succeededFuture(Delivery.undeliverable("45015 reply time limit exceeded"));
      }
      if (tries.computeIfAbsent(m.dedupeKey(), k -> new AtomicInteger()).incrementAndGet() <= failures) {
        return Future.failedFuture(new RuntimeException("503 from upstream"));
      }
      delivered.add(m.text());
      return Future.succeededFuture(Delivery.sent());
    }
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("keeps one message per dedupe key")
  void dedupes(String kind) throws Exception {
    Outbox outbox = outbox(kind);
    outbox.enqueue(db.pool(), msg("u1", "case-1:reply-1")).await(10, TimeUnit.SECONDS);
    outbox.enqueue(db.pool(), msg("u1", "case-1:reply-1")).await(10, TimeUnit.SECONDS);
    assertEquals(1, count("dedupe_key = 'case-1:reply-1'"));
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("retries with growing backoff and sends each recipient's messages in order")
  void retriesInOrder(String kind) throws Exception {
    Outbox outbox = outbox(kind);
    FlakySender sender = new FlakySender(2);
    outbox.register(sender);
    for (String k : List.of("a1", "a2", "a3")) {
      outbox.enqueue(db.pool(), msg("A", k)).await(10, TimeUnit.SECONDS);
    }
    outbox.enqueue(db.pool(), msg("B", "b1")).await(10, TimeUnit.SECONDS);
    // the first try fails for a1 and b1; a2 and a3 wait behind a1; nothing is due before the backoff has passed
    assertEquals(2, outbox.dispatchOnce().await(10, TimeUnit.SECONDS));
    assertEquals(0, outbox.dispatchOnce().await(10, TimeUnit.SECONDS));
    for (int round = 0; round < 20 && sender.delivered.size() < 4; round++) {
      clock.advance(Duration.ofMinutes(11));
      while (outbox.dispatchOnce().await(10, TimeUnit.SECONDS) > 0) {
        // a sent message lets the next one of its recipient go at once
      }
    }
    assertEquals(List.of("a1", "a2", "a3"), sender.delivered.stream().filter(s -> s.startsWith("a")).toList());
    assertTrue(sender.delivered.contains("b1"));
    assertEquals(4, count("status = 'sent' AND attempts = 3"));
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("gives up at once on an undeliverable message and tells the listeners")
  void undeliverable(String kind) throws Exception {
    List<String> told = Collections.synchronizedList(new ArrayList<>());
    Outbox outbox = outbox(kind).register(new FlakySender(0)).onUndeliverable((m, why) -> {
      told.add(m.dedupeKey() + " " + why);
      return Future.succeededFuture();
    });
    outbox.enqueue(db.pool(), msg("C", "never-1")).await(10, TimeUnit.SECONDS);
    outbox.dispatchOnce().await(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofHours(1));
    assertEquals(0, outbox.dispatchOnce().await(10, TimeUnit.SECONDS));
    assertEquals(List.of("never-1 45015 reply time limit exceeded"), told);
    assertEquals(1, count("status = 'undeliverable' AND attempts = 1"));
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("lets two nodes dispatch at once without sending any message twice")
  void twoNodes(String kind) throws Exception {
    Outbox first = outbox(kind);
    Outbox second = new Outbox(vertx, db.pool(), clock, Outbox.Options.DEFAULT, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    FlakySender sender = new FlakySender(0);
    first.register(sender);
    second.register(sender);
    for (int i = 0; i < 60; i++) {
      first.enqueue(db.pool(), msg("r" + (i % 15), "m" + i)).await(10, TimeUnit.SECONDS);
    }
    for (int round = 0; round < 20 && sender.delivered.size() < 60; round++) {
      Future.all(first.dispatchOnce(), second.dispatchOnce(), first.dispatchOnce(), second.dispatchOnce()).await(20, TimeUnit.SECONDS);
    }
    assertEquals(60, sender.delivered.size());
    assertEquals(60, sender.delivered.stream().distinct().count());
    assertEquals(60, count("status = 'sent' AND attempts = 1"));
  }
}
