package dev.portcullis.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Limits failed virtual-key lookups per client address. Standalone, one process counts in memory;
 * in a cluster every auth-service instance shares one count, so adding instances does not multiply
 * how fast a caller may guess keys.
 */
public interface LookupLimiter {

  /** Whether this address has used up its failures in the current window. */
  Future<Boolean> blocked(String address, long nowMillis);

  /** Counts one failed lookup (best effort: a lost count is not worth failing the answer). */
  void recordFailure(String address, long nowMillis);

  /** The shared limiter when Vert.x is clustered, the in-memory one otherwise. */
  static LookupLimiter of(Vertx vertx, int maxFailures, long windowMillis) {
    if (vertx.isClustered()) {
      return new SharedLookupLimiter(vertx, maxFailures, windowMillis);
    }
    FailedLookupLimiter local = new FailedLookupLimiter(maxFailures, windowMillis);
    return new LookupLimiter() {
      @Override
      public Future<Boolean> blocked(String address, long nowMillis) {
        return Future.succeededFuture(local.blocked(address, nowMillis));
      }

      @Override
      public void recordFailure(String address, long nowMillis) {
        local.recordFailure(address, nowMillis);
      }
    };
  }
}
