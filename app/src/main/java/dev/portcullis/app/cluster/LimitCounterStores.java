package dev.portcullis.app.cluster;

import dev.portcullis.common.limit.LimitCounters;
import dev.portcullis.common.limit.LocalLimitCounters;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.Vertx;

/**
 * Where a process keeps its limit counters: the cluster's Hazelcast maps when it is clustered, so
 * every gateway counts against the same numbers; else one map in memory, with nothing to set up.
 * Make one per process and give it to every gateway verticle of the process.
 */
public final class LimitCounterStores {

  /** How long an operation on the cluster's counters may take before it counts as unreachable. */
  public static final String SHARED_TIMEOUT = "PORTCULLIS_LIMITS_SHARED_TIMEOUT_MS";

  private LimitCounterStores() {}

  public static LimitCounters of(Vertx vertx, Settings settings) {
    if (vertx.isClustered()) {
      return new HazelcastLimitCounters(vertx, settings.longValue(SHARED_TIMEOUT, 500, 10, 60_000));
    }
    return new LocalLimitCounters();
  }
}
