package dev.portcullis.gateway.limit;

import dev.portcullis.common.limit.LimitCounters;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/**
 * What a process's gateways share to enforce limit rules: the rules, the counters and the settings.
 * Each gateway event loop makes its own {@link LimitEnforcer} of them.
 */
public record Limits(LimitRuleBook rules, LimitCounters counters, LimitSettings settings) {

  /** The enforcer of one gateway instance, used from its event loop only. */
  public LimitEnforcer enforcer(Vertx vertx, MeterRegistry registry) {
    return new LimitEnforcer(vertx, rules, counters, settings, registry);
  }
}
