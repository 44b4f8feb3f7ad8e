package xiaofa.platform;

import io.vertx.core.Future;

/** One thing {@code GET /ready} waits for (the index loaded, the database reachable). */
public interface Readiness {
  /** Short English name shown in the readiness report. */
  String name();

  /** Completes with true when ready; a failure or false means not ready. Must not block. */
  Future<Boolean> check();
}
