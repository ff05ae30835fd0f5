package dev.portcullis.gateway.auth;

import dev.portcullis.common.auth.GatewayKeys;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Future;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The gateway's copy of {@link GatewayKeys} (token public keys, virtual-key checksum key), fetched
 * from auth-service over the bus on first use and kept. It is fetched again when auth-service
 * announces a rotation, when a token names a kid we do not know (at most once per
 * {@link #MIN_REFRESH_MILLIS}, so a flood of forged kids cannot turn into a flood of bus calls),
 * and in the background once it is {@link #MAX_AGE_MILLIS} old (retired keys drop out). A failed
 * fetch is not remembered: the next call tries again.
 */
final class GatewayKeyCache {

  static final long MIN_REFRESH_MILLIS = 5_000;
  static final long MAX_AGE_MILLIS = 10 * 60_000;

  private final Supplier<Future<GatewayKeys>> fetch;
  private final LongSupplier clock;
  private Future<GatewayKeys> current;
  private long fetchedAtMillis;
  private boolean stale;

  GatewayKeyCache(Supplier<Future<GatewayKeys>> fetch, LongSupplier clock) {
    this.fetch = fetch;
    this.clock = clock;
  }

  /** The keys, fetched when there are none yet (or they were marked stale by a rotation). */
  synchronized Future<GatewayKeys> keys() {
    long now = clock.getAsLong();
    if (current == null || stale) {
      return refresh(now);
    }
    if (now - fetchedAtMillis >= MAX_AGE_MILLIS && current.isComplete()) {
      Future<GatewayKeys> inUse = current;
      refresh(now);
      // Keep answering with what we have while the new copy is on its way.
      return inUse;
    }
    return current;
  }

  /**
   * Keys that know {@code keyId} if auth-service does: when the cached set lacks it, fetches again
   * unless that was done within {@link #MIN_REFRESH_MILLIS}.
   */
  Future<GatewayKeys> keysKnowing(String keyId) {
    return keys().compose(keys -> {
      if (keys.hasKey(keyId)) {
        return Future.succeededFuture(keys);
      }
      synchronized (this) {
        long now = clock.getAsLong();
        if (now - fetchedAtMillis < MIN_REFRESH_MILLIS) {
          return current;
        }
        return refresh(now);
      }
    });
  }

  /** A rotation was announced: the next call fetches again. */
  synchronized void markStale() {
    stale = true;
  }

  private synchronized Future<GatewayKeys> refresh(long now) {
    if (current != null && !current.isComplete()) {
      return current;
    }
    Future<GatewayKeys> previous = current;
    stale = false;
    fetchedAtMillis = now;
    Future<GatewayKeys> attempt = fetch.get();
    current = attempt;
    attempt.onFailure(failure -> {
      synchronized (this) {
        if (current == attempt) {
          // Forget the failure; keep a good copy we had rather than nothing, and try again in a while.
          boolean keep = previous != null && previous.succeeded();
          current = keep ? previous : null;
          fetchedAtMillis = keep ? clock.getAsLong() - MAX_AGE_MILLIS + MIN_REFRESH_MILLIS : 0;
        }
      }
    });
    if (previous != null && previous.succeeded()) {
      // While auth-service cannot be reached, the keys we had still verify tokens.
      return attempt.recover(failure -> previous);
    }
    return attempt.recover(failure -> Future.failedFuture(
        GatewayError.unavailable("Credentials cannot be checked right now; try again shortly").toException()));
  }
}
