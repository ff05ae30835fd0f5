package dev.portcullis.usage.query;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.usage.store.UsageBatches;
import dev.portcullis.usage.store.UsageRows;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * What a set of calls added up to. Token sums count only the calls whose provider reported them;
 * {@code costUsd} is the exact sum of the known prices, and {@code unpricedCalls} says how many
 * calls had none, so an unknown price is never read as a free call.
 */
public record UsageTotals(long calls, long inputTokens, long outputTokens, long cachedInputTokens,
    long cacheWriteTokens, long reasoningTokens, BigDecimal costUsd, long unpricedCalls) {

  public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, BigDecimal.ZERO, 0);

  public UsageTotals {
    costUsd = costUsd.signum() == 0 ? BigDecimal.ZERO : costUsd.stripTrailingZeros();
  }

  /**
   * The totals a row holds from column {@code first} on ({@link UsageRows#SUMS}). Sums of no value
   * are NULL (read as 0); a {@code DECIMAL} sum stays exact in both databases.
   */
  static UsageTotals of(Row row, int first) {
    BigDecimal cost = row.getBigDecimal(first + 6);
    return new UsageTotals(count(row, first), count(row, first + 1), count(row, first + 2), count(row, first + 3),
        count(row, first + 4), count(row, first + 5), cost == null ? BigDecimal.ZERO : cost, count(row, first + 7));
  }

  /** One stored call's totals, as its {@code usage_records} row would sum. */
  static UsageTotals of(UsageBatches.Stored stored) {
    UsageRecord r = stored.record();
    BigDecimal cost = stored.costUsd();
    return new UsageTotals(1, Math.max(0, r.inputTokens()), Math.max(0, r.outputTokens()),
        Math.max(0, r.cachedInputTokens()), Math.max(0, r.cacheWriteTokens()), Math.max(0, r.reasoningTokens()),
        cost == null ? BigDecimal.ZERO : cost, cost == null ? 1 : 0);
  }

  public UsageTotals plus(UsageTotals other) {
    return new UsageTotals(calls + other.calls, inputTokens + other.inputTokens, outputTokens + other.outputTokens,
        cachedInputTokens + other.cachedInputTokens, cacheWriteTokens + other.cacheWriteTokens,
        reasoningTokens + other.reasoningTokens, costUsd.add(other.costUsd), unpricedCalls + other.unpricedCalls);
  }

  /** The fields, in the report's order, into an open object; the cost as a plain decimal number. */
  void writeFields(JsonGenerator json) throws IOException {
    json.writeNumberField("calls", calls);
    json.writeNumberField("inputTokens", inputTokens);
    json.writeNumberField("outputTokens", outputTokens);
    json.writeNumberField("cachedInputTokens", cachedInputTokens);
    json.writeNumberField("cacheWriteTokens", cacheWriteTokens);
    json.writeNumberField("reasoningTokens", reasoningTokens);
    json.writeFieldName("costUsd");
    // Written as its digits: never through a double, never in exponent form (1E+3, 2.6E-8).
    json.writeNumber(costUsd.toPlainString());
    json.writeNumberField("unpricedCalls", unpricedCalls);
  }

  /** A count or a sum of BIGINTs, whatever numeric type the database gives it in (NULL: 0). */
  private static long count(Row row, int column) {
    Object value = row.getValue(column);
    if (value == null) {
      return 0;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      return ((Number) value).longValue();
    }
    // SUM(BIGINT) is NUMERIC in PostgreSQL and may be DECIMAL in H2: exact, or an overflow is an error.
    return new BigDecimal(value.toString()).longValueExact();
  }
}
