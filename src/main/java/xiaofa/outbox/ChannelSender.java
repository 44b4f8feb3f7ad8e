package xiaofa.outbox;

import io.vertx.core.Future;

/** Delivers outbox messages of one channel. Called by {@link OutboxDispatcher}, one message per recipient at a time. */
public interface ChannelSender {

  /** The channel this sender serves ({@code web}, {@code wechat}, {@code grid}). */
  String channel();

  /**
   * Tries to deliver once. The future's value says what happened; a failed future counts as a retryable failure.
   * Must be idempotent for one message id: after a crash the same message may be handed over again.
   */
  Future<Delivery> send(OutboxMessage message);

  /** The result of one attempt. */
  record Delivery(Result result, String detail) {
    public enum Result {
      SENT,
      RETRY,
      UNDELIVERABLE
    }

    public static Delivery sent() {
      return new Delivery(Result.SENT, null);
    }

    public static Delivery retry(String why) {
      return new Delivery(Result.RETRY, why);
    }

    /** Will never succeed (e.g. the resident is outside WeChat's 48-hour window): not retried. */
    public static Delivery undeliverable(String why) {
      return new Delivery(Result.UNDELIVERABLE, why);
    }
  }
}
