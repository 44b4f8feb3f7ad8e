package xiaofa.channel.grid;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.SqlConnection;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.handoff.CaseEvent;
import xiaofa.handoff.CaseView;
import xiaofa.outbox.ChannelSender.Delivery;
import xiaofa.outbox.Outbox;
import xiaofa.outbox.OutboxMessage;
import xiaofa.platform.AppConfig;

/**
 * The field app's callbacks. The case-event sink is their single source: inside the transaction of each event worth
 * telling (assigned or transferred, advisor reply, SLA breached, closed, rating requested; never an advisor's internal
 * note or any other kind) of a case reported through the app, it writes one outbox message to the app (recipient =
 * app id, so one app's events leave in order), whose dedupe key is the event id the app sees as {@code
 * X-Xiaofa-Event-Id}. The sender POSTs it, signed like a request, and maps the answer onto the outbox's retry rules.
 *
 * <p>{@code HandoffService} also writes its own resident messages ({@code advisor_reply}, {@code rating_request})
 * to {@code (grid, appId/worker)}; the callbacks already carry them, so the sender acknowledges those without
 * sending anything, and the app hears of each event exactly once, in one format.
 */
final class Callbacks {
  private static final Logger log = LoggerFactory.getLogger(Callbacks.class);
  static final String KIND = "callback";
  private static final long TIMEOUT_MILLIS = 5_000;
  private static final Map<String, String> TYPES = Map.of(
      CaseEvent.ASSIGNED, "case.assigned",
      CaseEvent.TRANSFERRED, "case.assigned",
      CaseEvent.ADVISOR_REPLY, "case.advisor_reply",
      CaseEvent.SLA_BREACHED, "case.sla_breached",
      CaseEvent.CLOSED, "case.closed",
      CaseEvent.RATING_REQUESTED, "case.rating_requested");

  private final AppConfig.Grid config;
  private final GridStore store;
  private final Outbox outbox;
  private final Clock clock;
  private final WebClient client;

  Callbacks(Vertx vertx, AppConfig.Grid config, GridStore store, Outbox outbox, Clock clock) {
    this.config = config;
    this.store = store;
    this.outbox = outbox;
    this.clock = clock;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) TIMEOUT_MILLIS)
        .setIdleTimeout((int) TIMEOUT_MILLIS / 1000)
        .setFollowRedirects(false)
        .setUserAgent("xiaofa-grid/1"));
  }

  /** The sink: an outbox message for an event the app should hear of, in the event's transaction. */
  Future<Void> recorded(SqlConnection tx, CaseView c, CaseEvent e) {
    String type = TYPES.get(e.kind());
    // a transfer is told as the new assignment; one that leaves the case waiting for a claim is told when claimed
    if (type == null || !GridChannel.CHANNEL.equals(c.channel()) || (e.kind().equals(CaseEvent.TRANSFERRED) && c.advisorId() == null)) {
      return Future.succeededFuture();
    }
    return store.report(tx, c.id()).compose(report -> {
      if (report.isEmpty() || config.app(report.get().appId()).isEmpty()) {
        log.info("case {} event {}: no configured field app to call back", c.id(), e.kind());
        return Future.succeededFuture();
      }
      String id = "evt-" + UUID.randomUUID().toString().replace("-", "");
      return outbox.enqueue(tx, OutboxMessage.of(GridChannel.CHANNEL, report.get().appId(), KIND, c.id(), CaseJson.event(id, type, e, c, report.get()), id));
    });
  }

  /** The sender: POSTs a callback, signed with the app's secret. */
  Future<Delivery> send(OutboxMessage m) {
    if (!KIND.equals(m.kind())) {
      // HandoffService's own message to the worker: the callback of the same event carries it
      return Future.succeededFuture(Delivery.sent());
    }
    Optional<AppConfig.Grid.App> app = config.app(m.recipient());
    if (app.isEmpty()) {
      return Future.succeededFuture(Delivery.undeliverable("field app " + m.recipient() + " is no longer configured"));
    }
    URI url = app.get().callbackUrl();
    String pathAndQuery = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    Buffer body = Buffer.buffer(m.payload().encode());
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    String nonce = UUID.randomUUID().toString().replace("-", "");
    String signature = Signatures.sign(app.get().secret(), "POST", pathAndQuery, timestamp, nonce, body.getBytes());
    String type = m.payload().getString("type");
    return client.postAbs(url.toString())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader(Signatures.APP, app.get().appId())
        .putHeader(Signatures.TIMESTAMP, timestamp)
        .putHeader(Signatures.NONCE, nonce)
        .putHeader(Signatures.SIGNATURE, signature)
        .putHeader(Signatures.EVENT_ID, m.dedupeKey())
        .connectTimeout(TIMEOUT_MILLIS)
        .idleTimeout(TIMEOUT_MILLIS)
        .sendBuffer(body)
        .map(response -> delivery(m, type, response))
        .otherwise(e -> Delivery.retry("callback to " + app.get().appId() + " failed: " + e.getClass().getSimpleName() + " " + e.getMessage()));
  }

  private static Delivery delivery(OutboxMessage m, String type, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      log.debug("callback {} {} of case {} accepted by {}", m.dedupeKey(), type, m.caseId(), m.recipient());
      return Delivery.sent();
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      log.warn("callback {} {} of case {} refused by field app {} with {}: dropped", m.dedupeKey(), type, m.caseId(), m.recipient(), status);
      return Delivery.undeliverable("the field app's callback answered " + status);
    }
    return Delivery.retry("the field app's callback answered " + status);
  }
}
