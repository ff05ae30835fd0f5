package dev.portcullis.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

/**
 * The cluster-wide failed-lookup limiter: counts live in a Vert.x cluster-wide map
 * ({@value #MAP}), one entry per address and fixed window, each expiring two windows after it was
 * created. The sliding window is approximated from the current and the previous fixed window
 * (the previous one weighted by how much of it still overlaps), which needs two reads per lookup
 * and no clock agreement beyond the window's granularity.
 */
public final class SharedLookupLimiter implements LookupLimiter {

  /** The shared map's name; the cluster configuration gives it a default TTL as a backstop. */
  public static final String MAP = "portcullis.auth.failed-lookups";
  /** Far above two windows: only entries whose own TTL was lost by a replace reach it. */
  public static final int BACKSTOP_TTL_SECONDS = 600;
  private static final int MAX_ATTEMPTS = 8;

  private final int maxFailures;
  private final long windowMillis;
  private final Future<AsyncMap<String, Integer>> map;

  public SharedLookupLimiter(Vertx vertx, int maxFailures, long windowMillis) {
    this.maxFailures = maxFailures;
    this.windowMillis = windowMillis;
    this.map = vertx.sharedData().getAsyncMap(MAP);
  }

  @Override
  public Future<Boolean> blocked(String address, long nowMillis) {
    long bucket = nowMillis / windowMillis;
    return map.compose(m -> Future.all(m.get(key(address, bucket)), m.get(key(address, bucket - 1)))
        .map(both -> {
          int current = count(both.resultAt(0));
          int previous = count(both.resultAt(1));
          double overlap = (double) (windowMillis - nowMillis % windowMillis) / windowMillis;
          return current + previous * overlap >= maxFailures;
        }));
  }

  @Override
  public void recordFailure(String address, long nowMillis) {
    String key = key(address, nowMillis / windowMillis);
    map.onSuccess(m -> increment(m, key, MAX_ATTEMPTS));
  }

  /** Compare-and-set increment: other instances may be counting the same address at the same time. */
  private Future<Void> increment(AsyncMap<String, Integer> m, String key, int attemptsLeft) {
    if (attemptsLeft == 0) {
      return Future.succeededFuture();
    }
    return m.get(key).compose(current -> {
      Future<Boolean> written = current == null
          ? m.putIfAbsent(key, 1, 2 * windowMillis).map(previous -> previous == null)
          : m.replaceIfPresent(key, current, current + 1);
      return written.compose(done -> done ? Future.succeededFuture() : increment(m, key, attemptsLeft - 1));
    });
  }

  private static int count(Object value) {
    return value == null ? 0 : ((Integer) value);
  }

  private static String key(String address, long bucket) {
    return (address == null ? "unknown" : address) + "@" + bucket;
  }
}
