package dev.portcullis.common.limit;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The counters of a standalone Portcullis: one map in memory that every event loop of the process
 * shares. {@code compute} runs each operation atomically on its counter, so gateways on several
 * event loops reserve exactly as one would; a counter that holds nothing any more is dropped.
 */
public final class LocalLimitCounters implements LimitCounters {

  /** Streams are held by this process only. */
  static final String HOLDER = "local";

  private final ConcurrentHashMap<String, LimitCounter> counters = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public LocalLimitCounters() {
    this(System::currentTimeMillis);
  }

  public LocalLimitCounters(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public Future<LimitCounter.Outcome> reserve(String key, LimitWindow window, long amount, long limit, boolean hard,
      boolean requireSeed) {
    long now = clock.getAsLong();
    LimitCounter.Outcome[] outcome = new LimitCounter.Outcome[1];
    counters.compute(key, (k, counter) -> {
      LimitCounter c = counter != null ? counter : new LimitCounter(window);
      outcome[0] = c.reserve(window, now, amount, limit, hard, requireSeed, HOLDER);
      return c;
    });
    return Future.succeededFuture(outcome[0]);
  }

  @Override
  public Future<Void> adjust(String key, LimitWindow window, long bucket, long delta) {
    long now = clock.getAsLong();
    counters.computeIfPresent(key, (k, counter) -> {
      counter.adjust(window, now, bucket, delta, HOLDER);
      return counter.idle(window, now) ? null : counter;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> seed(String key, LimitWindow window, Map<Long, Long> amounts) {
    long now = clock.getAsLong();
    boolean[] seeded = new boolean[1];
    counters.compute(key, (k, counter) -> {
      LimitCounter c = counter != null ? counter : new LimitCounter(window);
      seeded[0] = c.seed(window, now, amounts);
      return c;
    });
    return Future.succeededFuture(seeded[0]);
  }

  @Override
  public Future<Long> used(String key, LimitWindow window) {
    long[] used = new long[1];
    counters.computeIfPresent(key, (k, c) -> {
      used[0] = c.used(window, clock.getAsLong());
      return c;
    });
    return Future.succeededFuture(used[0]);
  }

  /** How many counters are held (tests, and a check that idle ones go). */
  public int size() {
    return counters.size();
  }
}
