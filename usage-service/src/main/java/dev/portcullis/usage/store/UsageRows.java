package dev.portcullis.usage.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every stored call as rows a query can filter, group and sum alike: {@code usage_records}' rows
 * (what versions before 4 stored, a call each) and {@code usage_totals}' (sums per second since).
 * Both have {@code time_ms}, {@code llm_proxy_id}, {@code caller_kind}, {@code caller_id},
 * {@code provider}, {@code requested_model}, {@code answered_model} and {@code outcome} to filter
 * and group by, and {@code calls}, the five token sums, {@code cost_usd} and {@code priced_calls}
 * to add up.
 *
 * <p>A totals row stands for a whole second: a query whose range starts or ends inside a second
 * asks this relation for the whole seconds only, and decodes that partial second's records from
 * their batches ({@link UsageBatches#forEachBetween}).
 */
public final class UsageRows {

  private static final String KEYS =
      "time_ms, llm_proxy_id, caller_kind, caller_id, provider, requested_model, answered_model, outcome";

  /** The sums of a set of rows, in the order {@code UsageTotals} reads them. */
  public static final String SUMS = "SUM(calls), SUM(input_tokens), SUM(output_tokens), SUM(cached_input_tokens),"
      + " SUM(cache_write_tokens), SUM(reasoning_tokens), SUM(cost_usd), SUM(calls) - SUM(priced_calls)";

  private UsageRows() {}

  /**
   * The relation, named {@code usage_rows}, for a {@code FROM}: the records that
   * {@code recordsWhere} selects and the totals rows that {@code totalsWhere} selects (each a
   * condition on those columns, {@code ""} for all; the first's values bound before the second's).
   */
  public static String from(String recordsWhere, String totalsWhere) {
    return "(SELECT " + KEYS + ", 1 AS calls, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens,"
        + " reasoning_tokens, cost_usd, CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END AS priced_calls FROM usage_records"
        + where(recordsWhere) + " UNION ALL SELECT " + KEYS + ", calls, input_tokens, output_tokens,"
        + " cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, priced_calls FROM usage_totals"
        + where(totalsWhere) + ") usage_rows";
  }

  private static String where(String condition) {
    return condition.isEmpty() ? "" : " WHERE " + condition;
  }

  /**
   * A time range ({@code [from, to)}, null ends unbounded) as the whole seconds that
   * {@code usage_totals} answers for ({@code [wholeFrom, wholeTo)}, null ends unbounded; empty when
   * both are equal) and the partial seconds at its ends, read from batches (each {@code [from, to)}).
   */
  public record Split(Long wholeFrom, Long wholeTo, List<long[]> partial) {

    public static Split of(Long from, Long to) {
      Long a = from == null ? null : secondAtOrAfter(from);
      Long b = to == null ? null : secondOf(to);
      if (a != null && b != null && a >= b) {
        // Within a second or two: the whole range from batches.
        return new Split(to, to, from < to ? List.of(new long[] {from, to}) : List.of());
      }
      List<long[]> partial = new ArrayList<>(2);
      if (from != null && from < a) {
        partial.add(new long[] {from, a});
      }
      if (to != null && b < to) {
        partial.add(new long[] {b, to});
      }
      return new Split(a, b, List.copyOf(partial));
    }

    /** The whole range from batches: for sums the totals rows cannot split (none of them used). */
    public static Split allPartial(long from, long to) {
      return new Split(to, to, from < to ? List.of(new long[] {from, to}) : List.of());
    }

    /**
     * Every record in the partial seconds, in turn; completes once all are read (only those
     * seconds' batches are decoded).
     */
    public Future<Void> forEachPartial(UsageQuery sql, Consumer<UsageBatches.Stored> out) {
      Future<Void> read = Future.succeededFuture();
      for (long[] range : partial) {
        read = read.compose(done -> UsageBatches.forEachBetween(sql, range[0], range[1], out));
      }
      return read;
    }
  }

  /** The first whole second at or after {@code ms}. */
  public static long secondAtOrAfter(long ms) {
    return Math.floorDiv(ms + 999, 1000L) * 1000L;
  }

  /** The start of the second that holds {@code ms}. */
  public static long secondOf(long ms) {
    return Math.floorDiv(ms, 1000L) * 1000L;
  }
}
