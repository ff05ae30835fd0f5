package dev.portcullis.usage.store;

import dev.portcullis.common.usage.UsageRecord;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch's rows of {@code usage_totals}: its records summed per second and per everything a
 * query filters or groups by (LLM proxy, caller, provider, the models asked for and answered, the
 * outcome). A saturated gateway's batch of 2,000 calls by one key to one model is a row or two; a
 * quiet one's call is a row of its own. Sums follow {@code usage_records}' columns: a token sum is
 * NULL when no call of the row reported that count, the cost sum NULL when none had a price.
 */
final class SecondTotals {

  static final String INSERT = "INSERT INTO usage_totals (time_ms, llm_proxy_id, caller_kind, caller_id, provider,"
      + " requested_model, answered_model, outcome, calls, input_tokens, output_tokens, cached_input_tokens,"
      + " cache_write_tokens, reasoning_tokens, cost_usd, priced_calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
      + " ?, ?, ?)";

  private record Key(long second, String llmProxyId, String callerKind, String callerId, String provider,
      String requestedModel, String answeredModel, String outcome) {}

  private static final class Sums {
    long calls;
    final long[] tokens = {-1, -1, -1, -1, -1};
    BigDecimal cost;
    long priced;

    void add(UsageStore.Priced priced) {
      UsageRecord r = priced.record();
      calls++;
      add(0, r.inputTokens());
      add(1, r.outputTokens());
      add(2, r.cachedInputTokens());
      add(3, r.cacheWriteTokens());
      add(4, r.reasoningTokens());
      if (priced.costUsd() != null) {
        cost = cost == null ? priced.costUsd() : cost.add(priced.costUsd());
        this.priced++;
      }
    }

    private void add(int i, long count) {
      if (count >= 0) {
        tokens[i] = tokens[i] < 0 ? count : tokens[i] + count;
      }
    }
  }

  private SecondTotals() {}

  /** The rows for {@code records}. */
  static List<Tuple> rows(List<UsageStore.Priced> records) {
    Map<Key, Sums> sums = new LinkedHashMap<>();
    for (UsageStore.Priced priced : records) {
      UsageRecord r = priced.record();
      Key key = new Key(Math.floorDiv(r.timeMillis(), 1000L) * 1000L, r.llmProxyId(), r.callerKind().wire(),
          r.callerId(), r.provider(), UsageStore.cut(r.requestedModel()), UsageStore.cut(r.answeredModel()),
          r.outcome());
      sums.computeIfAbsent(key, k -> new Sums()).add(priced);
    }
    List<Tuple> rows = new ArrayList<>(sums.size());
    sums.forEach((key, sum) -> {
      Tuple row = Tuple.tuple().addLong(key.second()).addString(key.llmProxyId()).addString(key.callerKind())
          .addString(key.callerId()).addString(key.provider()).addString(key.requestedModel())
          .addString(key.answeredModel()).addString(key.outcome()).addLong(sum.calls);
      for (long tokens : sum.tokens) {
        row.addLong(tokens < 0 ? null : tokens);
      }
      rows.add(row.addBigDecimal(sum.cost).addLong(sum.priced));
    });
    return rows;
  }
}
