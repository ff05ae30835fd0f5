package dev.portcullis.usage.limit;

import dev.portcullis.common.limit.LimitAmounts;
import dev.portcullis.common.limit.LimitCounters;
import dev.portcullis.common.limit.LimitMetric;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitWindow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How much of each of a rule's limits is used now, for {@code GET /limits/{id}/status}: what the
 * shared counters the gateways reserve in hold, and for spend the larger of that and the ledger's
 * own sum over the window ({@link LedgerSpend}), since a spend counter exists only once a gateway
 * has seeded it, and the ledger lags the counter by the calls still on their way.
 */
final class LimitStatus {

  private final LimitCounters counters;
  private final LedgerSpend ledger;

  LimitStatus(LimitCounters counters, LedgerSpend ledger) {
    this.counters = counters;
    this.ledger = ledger;
  }

  /** {@code {"id","name","mode","limits":[...]}}, one entry per limit the rule sets. */
  Future<JsonObject> of(LimitRule rule) {
    List<Future<JsonObject>> entries = new ArrayList<>();
    for (LimitMetric metric : LimitMetric.values()) {
      if (metric.limitOf(rule) >= 0) {
        entries.add(entry(rule, metric));
      }
    }
    return Future.all(entries).map(all -> {
      JsonArray limits = new JsonArray();
      entries.forEach(entry -> limits.add(entry.result()));
      return new JsonObject().put("id", rule.id()).put("name", rule.name()).put("mode", rule.mode().wire())
          .put("limits", limits);
    });
  }

  private Future<JsonObject> entry(LimitRule rule, LimitMetric metric) {
    long limit = metric.limitOf(rule);
    LimitWindow window = metric.windowOf(rule);
    Future<Long> used = counters.used(metric.key(rule), window);
    JsonObject entry = new JsonObject().put("metric", metric.name().toLowerCase(Locale.ROOT))
        .put("window", window.wire());
    if (window instanceof LimitWindow.Calendar calendar) {
      entry.put("windowStart", Instant.ofEpochMilli(calendar.bucketStart(calendar.bucketOf(ledger.now())))
          .toString());
    }
    if (metric != LimitMetric.SPEND) {
      return used.map(counted -> entry.put("limit", limit).put("used", counted)
          .put("remaining", Math.max(0, limit - counted)));
    }
    return used.compose(counted -> ledger.total(rule).map(recorded -> Math.max(counted, recorded)))
        .map(spent -> entry.put("limitUsd", LimitAmounts.usd(limit)).put("usedUsd", LimitAmounts.usd(spent))
            .put("remainingUsd", LimitAmounts.usd(Math.max(0, limit - spent))));
  }
}
