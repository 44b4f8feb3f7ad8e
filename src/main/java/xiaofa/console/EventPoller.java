package xiaofa.console;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the new rows of {@code case_events} every {@code pollMillis}, a batch at a time, and hands each row to
 * {@code fanOut} once, oldest first. It starts after the latest event at the time it is built and runs on the
 * Vert.x context that built it until {@link #stop()}.
 *
 * <p>Any node may write events, and an identity value is handed out at insert but becomes visible at commit: a
 * later id may be read before an earlier one commits. So the poller keeps a floor below which everything has been
 * seen, keeps reading above it while there is a gap, passes on each id the first time it appears, and gives up on a
 * gap (an insert that was rolled back, a sequence that skipped) after {@code gapWait}. An event committed more than
 * {@code gapWait} after a later one is missed; the stream's clients reload their lists when they reconnect.
 */
final class EventPoller {
  private static final Logger log = LoggerFactory.getLogger(EventPoller.class);

  private final Vertx vertx;
  private final DeskReads reads;
  private final int batch;
  private final long gapWaitNanos;
  private final Consumer<List<DeskReads.LiveEvent>> fanOut;
  private final Future<Void> ready;
  private final long timer;
  private final TreeSet<Long> above = new TreeSet<>();
  private volatile boolean stopped;
  private boolean busy;
  private volatile long floor = -1;
  private long gapSince;

  EventPoller(Vertx vertx, DeskReads reads, long pollMillis, int batch, Duration gapWait, Consumer<List<DeskReads.LiveEvent>> fanOut) {
    this.vertx = vertx;
    this.reads = reads;
    this.batch = batch;
    this.gapWaitNanos = gapWait.toNanos();
    this.fanOut = fanOut;
    Promise<Void> started = Promise.promise();
    ready = started.future();
    reads.lastEventId().onComplete(ar -> {
      if (ar.failed()) {
        log.warn("case events: reading the latest event failed ({}); streaming from the start", ar.cause().toString());
      }
      floor = ar.succeeded() ? ar.result() : 0;
      started.complete();
    });
    timer = vertx.setPeriodic(pollMillis, id -> tick());
  }

  /** Completes once the starting point is known: events after it will be passed on. */
  Future<Void> ready() {
    return ready;
  }

  /** The id below which every event has been passed on or given up (tests). */
  long floor() {
    return floor;
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  private void tick() {
    if (busy || stopped || !ready.isComplete()) {
      return;
    }
    busy = true;
    reads.eventsAfter(floor, batch).onComplete(ar -> {
      busy = false;
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        log.warn("case events: polling failed: {}", ar.cause().toString());
        return;
      }
      List<DeskReads.LiveEvent> fresh = new ArrayList<>();
      for (DeskReads.LiveEvent e : ar.result()) {
        if (above.add(e.id())) {
          fresh.add(e);
        }
      }
      advance();
      if (!fresh.isEmpty()) {
        fanOut.accept(fresh);
      }
      if (ar.result().size() == batch && !fresh.isEmpty()) {
        tick(); // a full batch of new events: there may be more
      }
    });
  }

  /** Moves the floor over every id seen without a gap, and over a gap that has waited long enough. */
  private void advance() {
    while (true) {
      while (!above.isEmpty() && above.first() == floor + 1) {
        floor = above.pollFirst();
      }
      if (above.isEmpty()) {
        gapSince = 0;
        return;
      }
      long now = System.nanoTime();
      if (gapSince == 0) {
        gapSince = now;
        return;
      }
      if (now - gapSince < gapWaitNanos) {
        return;
      }
      log.debug("case events: gave up waiting for events {} to {}", floor + 1, above.first() - 1);
      floor = above.first() - 1;
      gapSince = 0;
    }
  }
}
