package dev.portcullis.common.limit;

import io.vertx.core.Future;
import java.util.Map;

/**
 * Where the counters of every limit rule live, shared by every gateway that enforces them: in one
 * process a map in memory ({@link LocalLimitCounters}), in a cluster a Hazelcast map whose
 * partition owner runs each operation (the app's {@code HazelcastLimitCounters}). Each operation
 * on one counter is atomic wherever it runs; a failed future means the shared state could not be
 * reached, and the caller's fail mode decides.
 */
public interface LimitCounters {

  /** See {@link LimitCounter#reserve}; the clock is the store's. */
  Future<LimitCounter.Outcome> reserve(String key, LimitWindow window, long amount, long limit, boolean hard,
      boolean requireSeed);

  /** See {@link LimitCounter#adjust}: settles a reservation made in {@code bucket}. */
  Future<Void> adjust(String key, LimitWindow window, long bucket, long delta);

  /** See {@link LimitCounter#seed}. */
  Future<Boolean> seed(String key, LimitWindow window, Map<Long, Long> amounts);

  /** The use counted now (0 for a counter nobody touched), for the status of a rule. */
  Future<Long> used(String key, LimitWindow window);
}
