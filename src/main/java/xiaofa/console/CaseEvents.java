package xiaofa.console;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.CaseEvent;
import xiaofa.handoff.CaseStatus;
import xiaofa.knowledge.Category;
import xiaofa.platform.ApiException;

/**
 * Live case updates for the console as Server-Sent Events. Any node may have written an event, so nothing here
 * listens in memory: while this node has at least one stream open, one {@link EventPoller} reads the new rows of
 * {@code case_events} (every second, a batch at a time) and this class hands each stream the events its user may
 * see. A stream resumes after {@code Last-Event-ID}; a comment every 15 s keeps proxies from closing it; each stream
 * ends after 30 minutes so that the client reconnects with a token checked again.
 *
 * <p>Threads: the poller's state lives on the context that started it; each stream's state on its request's
 * context, reached with {@link Context#runOnContext}.
 */
final class CaseEvents {
  private static final Logger log = LoggerFactory.getLogger(CaseEvents.class);
  static final int MAX_STREAMS_PER_USER = 5;
  static final long POLL_MILLIS = 1_000;
  static final int BATCH = 200;
  static final int CATCH_UP_LIMIT = 500;
  static final long HEARTBEAT_MILLIS = 15_000;
  static final long MAX_LIFETIME_MILLIS = TimeUnit.MINUTES.toMillis(30);
  static final long RETRY_MILLIS = 3_000;
  static final Duration GAP_WAIT = Duration.ofSeconds(10);

  /** The stream's event names by timeline kind; other kinds (the bot's lines, rating requests) are not streamed. */
  static final Map<String, String> NAMES = Map.ofEntries(
      Map.entry(CaseEvent.CREATED, "case.created"),
      Map.entry(CaseEvent.RESIDENT_MESSAGE, "case.message"),
      Map.entry(CaseEvent.ASSIGNED, "case.assigned"),
      Map.entry(CaseEvent.TRANSFERRED, "case.transferred"),
      Map.entry(CaseEvent.ADVISOR_REPLY, "case.reply"),
      Map.entry(CaseEvent.CLOSED, "case.closed"),
      Map.entry(CaseEvent.SLA_BREACHED, "case.sla_breached"),
      Map.entry(CaseEvent.DELIVERY_FAILED, "case.delivery_failed"),
      Map.entry(CaseEvent.NOTE, "case.note"),
      Map.entry(CaseEvent.URGENT, "case.urgent"),
      Map.entry(CaseEvent.RATED, "case.rated"));

  private final Vertx vertx;
  private final DeskReads reads;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final Map<Long, Integer> perUser = new HashMap<>();
  private EventPoller poller;

  CaseEvents(Vertx vertx, DeskReads reads) {
    this.vertx = vertx;
    this.reads = reads;
  }

  /** Turns the request into a stream for {@code viewer}, resuming after {@code lastEventId} when given. */
  void open(RoutingContext ctx, Viewer viewer, Long lastEventId) {
    HttpServerResponse res = ctx.response();
    Stream s = new Stream(viewer, res, vertx.getOrCreateContext());
    EventPoller p;
    synchronized (this) {
      int open = perUser.getOrDefault(viewer.user().id(), 0);
      if (open >= MAX_STREAMS_PER_USER) {
        ctx.fail(new ApiException(429, "too_many_streams",
            "您已打开 " + MAX_STREAMS_PER_USER + " 个实时更新连接（多个控制台页面或标签页），请关闭不用的页面后再试。"));
        return;
      }
      perUser.put(viewer.user().id(), open + 1);
      if (poller == null) {
        poller = new EventPoller(vertx, reads, POLL_MILLIS, BATCH, GAP_WAIT, this::fanOut);
      }
      p = poller;
      streams.add(s); // with the count, so that a stream closing elsewhere does not stop the poller this one needs
    }
    res.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store, no-transform")
        // never compressed: a compressor would hold events back until its buffer fills
        .putHeader("Content-Encoding", "identity")
        .putHeader("X-Accel-Buffering", "no");
    res.closeHandler(v -> s.close());
    res.exceptionHandler(e -> s.close());
    res.write("retry: " + RETRY_MILLIS + "\n: xiaofa case events\n\n");
    s.heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> s.write(": ping\n\n"));
    s.lifetime = vertx.setTimer(MAX_LIFETIME_MILLIS, id -> s.end(": reconnect\n\n"));
    if (lastEventId != null) {
      s.catchingUp = true;
      p.ready().compose(v -> reads.eventsAfter(lastEventId, CATCH_UP_LIMIT))
          .onComplete(ar -> s.context.runOnContext(v -> s.caughtUp(ar.succeeded() ? ar.result() : null)));
    }
  }

  /** New events from the poller: each stream takes what its user may see, on its own context. */
  private void fanOut(List<DeskReads.LiveEvent> fresh) {
    List<DeskReads.LiveEvent> out = streamable(fresh);
    if (!out.isEmpty()) {
      for (Stream s : streams) {
        s.context.runOnContext(v -> s.deliver(out));
      }
    }
  }

  private void closed(Stream s) {
    if (!streams.remove(s)) {
      return;
    }
    synchronized (this) {
      perUser.computeIfPresent(s.viewer.user().id(), (k, n) -> n <= 1 ? null : n - 1);
      if (streams.isEmpty() && poller != null) {
        poller.stop();
        poller = null;
      }
    }
  }

  /**
   * Whether this viewer's stream carries this event. Administrators get everything. An advisor gets the events of
   * cases assigned to them, of unassigned open cases in their specialties and areas (notes only of these two), the
   * event that took a case away from them, and the event that took an unassigned case off their list (so the list
   * can drop it).
   */
  static boolean visible(Viewer v, DeskReads.LiveEvent e) {
    if (v.admin()) {
      return true;
    }
    Advisor a = v.advisor();
    if (a == null) {
      return false;
    }
    if (a.id().equals(e.advisorId())) {
      return true;
    }
    boolean open = CaseStatus.fromId(e.status()).map(CaseStatus::isOpen).orElse(false);
    boolean inScope = a.active() && a.covers(e.community()) && (specialty(a, e.category()) || specialty(a, e.previousCategory()));
    boolean available = e.advisorId() == null && open && a.active() && a.covers(e.community()) && specialty(a, e.category());
    if (e.kind().equals(CaseEvent.NOTE)) {
      return available;
    }
    if (a.id().equals(e.from())) {
      return true; // taken from them: it leaves their list
    }
    return available || (inScope && e.tookUnassigned());
  }

  private static boolean specialty(Advisor a, String category) {
    return category != null && Category.fromId(category).map(a.specialties()::contains).orElse(false);
  }

  /**
   * The events worth streaming: named kinds only, and not the conversation written with a case's creation (the case
   * arrives once, as {@code case.created}, not as a burst of old messages).
   */
  static List<DeskReads.LiveEvent> streamable(List<DeskReads.LiveEvent> batch) {
    return batch.stream()
        .filter(e -> NAMES.containsKey(e.kind()))
        .filter(e -> e.data() == null || !e.data().getBoolean("transcript", false))
        .toList();
  }

  /** One event in the stream's wire format; the payload never carries message text or personal data. */
  static String format(Viewer v, DeskReads.LiveEvent e) {
    JsonObject data = new JsonObject()
        .put("id", e.id())
        .put("case", e.caseId())
        .put("kind", e.kind())
        .put("status", e.status())
        .put("statusLabel", CaseStatus.fromId(e.status()).map(CaseStatus::label).orElse(e.status()))
        .put("urgent", e.urgent())
        .put("community", e.community())
        .put("category", e.category())
        .put("categoryLabel", Category.fromId(e.category()).map(Category::label).orElse(e.category()))
        .put("advisor", e.advisorId())
        .put("mine", v.advisor() != null && v.advisor().id().equals(e.advisorId()))
        .put("at", DeskJson.time(e.at()));
    return "id: " + e.id() + "\nevent: " + NAMES.get(e.kind()) + "\ndata: " + data.encode() + "\n\n";
  }

  /** One open stream; its fields are touched on its own context only. */
  private final class Stream {
    final Viewer viewer;
    final HttpServerResponse response;
    final Context context;
    long heartbeat = -1;
    long lifetime = -1;
    boolean catchingUp;
    boolean closed;
    final List<DeskReads.LiveEvent> held = new ArrayList<>();

    Stream(Viewer viewer, HttpServerResponse response, Context context) {
      this.viewer = viewer;
      this.response = response;
      this.context = context;
    }

    void deliver(List<DeskReads.LiveEvent> events) {
      if (closed) {
        return;
      }
      if (catchingUp) {
        held.addAll(events);
        return;
      }
      send(events);
    }

    void caughtUp(List<DeskReads.LiveEvent> missed) {
      if (closed) {
        return;
      }
      catchingUp = false;
      Set<Long> sent = new HashSet<>();
      if (missed == null) {
        // the client cannot know what it missed: it reloads its lists
        write("event: reset\ndata: {\"reason\":\"catch_up_failed\"}\n\n");
      } else {
        missed.forEach(e -> sent.add(e.id()));
        send(streamable(missed));
        if (missed.size() == CATCH_UP_LIMIT) {
          write("event: reset\ndata: {\"reason\":\"too_many_missed\"}\n\n");
        }
      }
      send(held.stream().filter(e -> !sent.contains(e.id())).toList());
      held.clear();
    }

    private void send(List<DeskReads.LiveEvent> events) {
      StringBuilder sb = new StringBuilder();
      for (DeskReads.LiveEvent e : events) {
        if (visible(viewer, e)) {
          sb.append(format(viewer, e));
        }
      }
      if (sb.length() > 0) {
        write(sb.toString());
      }
    }

    void write(String text) {
      if (closed) {
        return;
      }
      if (response.writeQueueFull()) {
        log.info("closing the case-event stream of {}: the client does not keep up", viewer.user().username());
        end(null);
        return;
      }
      response.write(text).onFailure(e -> close());
    }

    void end(String last) {
      if (closed) {
        return;
      }
      if (last != null) {
        response.end(last);
      } else {
        response.end();
      }
      close();
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      vertx.cancelTimer(heartbeat);
      vertx.cancelTimer(lifetime);
      held.clear();
      closed(this);
    }
  }
}
