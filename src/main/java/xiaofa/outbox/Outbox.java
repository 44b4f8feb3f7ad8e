package xiaofa.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * The durable outbox. Messages are {@linkplain #enqueue written} in the same transaction as the event that causes
 * them; a dispatcher on every node claims due messages (a lease in the row, so nodes never send the same message at
 * once), hands each to its channel's {@link ChannelSender} and records the result: sent, retried later with
 * exponential backoff, or given up (undeliverable, or too many attempts) and reported to the listeners. One
 * recipient's messages are sent in order: a message waits while an older one to the same recipient is pending.
 *
 * <p>Delivery is at least once: a node killed between sending and recording resends after the lease expires, so
 * senders pass the message id (or dedupe key) on for the receiver to drop duplicates.
 */
public final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  private static final SqlStatements SQL = SqlStatements.load("/sql/outbox.sql");

  /** Polling period, batch size, lease, backoff bounds and the attempt limit. */
  public record Options(Duration poll, int batch, Duration lease, Duration firstRetry, Duration maxRetry, int maxAttempts) {
    public static final Options DEFAULT = new Options(Duration.ofSeconds(1), 20, Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofMinutes(10), 30);
  }

  /** Told when a message will never be delivered, so that a person can reach the recipient another way. */
  public interface UndeliverableListener {
    Future<Void> undeliverable(OutboxMessage message, String reason);
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final Options options;
  private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong round = new AtomicLong();
  private final Map<String, ChannelSender> senders = new ConcurrentHashMap<>();
  private final List<UndeliverableListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private long timer = -1;
  private boolean running;
  private boolean again;

  private final MeterRegistry metrics;
  private final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();

  public Outbox(Vertx vertx, Pool pool, Clock clock, Options options, MeterRegistry metrics) {
    this.metrics = metrics;
    metrics.gauge("xiaofa.outbox.pending", pending);
    this.vertx = vertx;
    this.pool = pool;
    this.clock = clock;
    this.options = options;
  }

  public Outbox register(ChannelSender sender) {
    senders.put(sender.channel(), sender);
    return this;
  }

  public Outbox onUndeliverable(UndeliverableListener listener) {
    listeners.add(listener);
    return this;
  }

  /**
   * Adds a message, normally on the connection of the transaction that records its cause. A message whose dedupe
   * key is already in the outbox is not added again. Call {@link #poke()} after the commit to send it at once.
   */
  public Future<Void> enqueue(SqlClient tx, OutboxMessage m) {
    Instant now = clock.instant();
    return tx.preparedQuery(SQL.get("insert"))
        .execute(Tuple.of(m.channel(), m.recipient(), m.kind(), m.caseId(), m.payload().encode(), m.dedupeKey())
            .addValue(SqlTime.param(now)).addValue(SqlTime.param(now)))
        .mapEmpty();
  }

  /** Starts dispatching on this node. */
  public void start() {
    timer = vertx.setPeriodic(options.poll().toMillis(), id -> {
      poke();
      if (round.get() % 15 == 0) {
        pendingCount().onSuccess(pending::set);
      }
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Runs a dispatch round now (or right after the current one). */
  public void poke() {
    vertx.runOnContext(v -> {
      if (running) {
        again = true;
        return;
      }
      running = true;
      dispatchOnce().onComplete(ar -> {
        if (ar.failed()) {
          log.warn("outbox round failed: {}", ar.cause().toString());
        }
        running = false;
        if (again || (ar.succeeded() && ar.result() == options.batch())) {
          again = false;
          poke();
        }
      });
    });
  }

  /** One round: claims due messages and tries each once. Completes with the number of messages tried. */
  public Future<Integer> dispatchOnce() {
    String token = node + ":" + round.incrementAndGet();
    Instant now = clock.instant();
    Tuple claim = Tuple.tuple()
        .addValue(token).addValue(SqlTime.param(now.plus(options.lease())))
        .addValue(SqlTime.param(now)).addValue(SqlTime.param(now))
        .addValue(SqlTime.param(now)).addValue(SqlTime.param(now))
        .addValue(options.batch());
    return Database.execute(pool, SQL.get("claim"), claim)
        .compose(updated -> updated.rowCount() == 0
            ? Future.succeededFuture(List.<OutboxMessage>of())
            : Database.execute(pool, SQL.get("claimed"), Tuple.of(token)).map(rows -> {
                List<OutboxMessage> out = new ArrayList<>();
                for (Row r : rows) {
                  out.add(new OutboxMessage(r.getLong("id"), r.getString("channel"), r.getString("recipient"), r.getString("kind"),
                      r.getString("case_id"), new JsonObject(r.getString("payload")), r.getString("dedupe_key"), r.getInteger("attempts")));
                }
                return out;
              }))
        .compose(messages -> {
          List<Future<Void>> attempts = new ArrayList<>();
          for (OutboxMessage m : messages) {
            attempts.add(attempt(m, token));
          }
          return Future.join(attempts).map(v -> messages.size()).otherwise(messages.size());
        });
  }

  private Future<Void> attempt(OutboxMessage m, String token) {
    ChannelSender sender = senders.get(m.channel());
    Future<ChannelSender.Delivery> delivery;
    if (sender == null) {
      delivery = Future.succeededFuture(ChannelSender.Delivery.retry("no sender for channel " + m.channel()));
    } else {
      try {
        delivery = sender.send(m).otherwise(e -> ChannelSender.Delivery.retry(String.valueOf(e.getMessage())));
      } catch (RuntimeException e) {
        delivery = Future.succeededFuture(ChannelSender.Delivery.retry(String.valueOf(e.getMessage())));
      }
    }
    return delivery.compose(d -> record(m, token, d));
  }

  private Future<Void> record(OutboxMessage m, String token, ChannelSender.Delivery d) {
    Instant now = clock.instant();
    metrics.counter("xiaofa.outbox.deliveries", "channel", m.channel(), "result", d.result().name().toLowerCase(java.util.Locale.ROOT)).increment();
    switch (d.result()) {
      case SENT:
        return Database.execute(pool, SQL.get("sent"), Tuple.of(SqlTime.param(now), m.id(), token)).mapEmpty();
      case RETRY:
        if (m.attempts() + 1 < options.maxAttempts()) {
          Duration wait = backoff(m.attempts() + 1);
          log.info("outbox message {} ({} to {}) not delivered, attempt {}: {}; next try in {} s",
              m.id(), m.kind(), m.channel(), m.attempts() + 1, d.detail(), wait.toSeconds());
          return Database.execute(pool, SQL.get("retry"), Tuple.of(SqlTime.param(now.plus(wait)), abbreviate(d.detail()), m.id(), token)).mapEmpty();
        }
        return giveUp(m, token, "failed", "gave up after " + options.maxAttempts() + " attempts: " + d.detail());
      default:
        return giveUp(m, token, "undeliverable", d.detail());
    }
  }

  private Future<Void> giveUp(OutboxMessage m, String token, String status, String reason) {
    log.warn("outbox message {} ({} to {} in {}) {}: {}", m.id(), m.kind(), m.caseId() == null ? "-" : m.caseId(), m.channel(), status, reason);
    return Database.execute(pool, SQL.get("give_up"), Tuple.of(status, abbreviate(reason), m.id(), token))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.succeededFuture();
          }
          List<Future<Void>> told = new ArrayList<>();
          for (UndeliverableListener l : listeners) {
            told.add(l.undeliverable(m, reason));
          }
          return Future.join(told).mapEmpty();
        });
  }

  /** Exponential backoff with ±20 % jitter, from {@code firstRetry} up to {@code maxRetry}. */
  Duration backoff(int attempt) {
    long base = options.firstRetry().toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, options.maxRetry().toMillis());
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis((long) (capped * jitter));
  }

  /** Messages not yet sent (for /ready and tests). */
  public Future<Long> pendingCount() {
    return Database.execute(pool, SQL.get("pending_count")).map(rows -> rows.iterator().next().getLong("n"));
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= 480 ? s : s.substring(0, 480) + "…";
  }
}
