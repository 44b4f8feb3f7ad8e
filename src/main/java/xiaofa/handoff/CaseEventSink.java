package xiaofa.handoff;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Told of every case event inside the transaction that records it, so that a channel can write its own outbox
 * message (the field app's callbacks) atomically with the event.
 */
public interface CaseEventSink {
  Future<Void> recorded(SqlConnection tx, CaseView c, CaseEvent event);
}
