package dev.portcullis.usage.limit;

import dev.portcullis.common.limit.LimitAmounts;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitWindow;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.database.Database;
import dev.portcullis.usage.store.UsageRows;
import dev.portcullis.usage.store.UsageRows.Split;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What the ledger holds of a rule's spend within its window now: the cost of the records the rule
 * covers ({@link LimitCoverage}), summed per bucket of the window in nano-dollars, which is what a
 * gateway seeds a spend counter with. The sums are made by the database (one row per bucket comes
 * back, however many records a month holds) over {@link UsageRows}, by time; only the records of a
 * partial second are decoded from their batches. Refused calls (outcome
 * {@code limited}) are left out, and records without a cost add nothing.
 */
public final class LedgerSpend {

  /** The outcome of a call a limit refused: it reached no provider and cost nothing. */
  static final String REFUSED_OUTCOME = "limited";

  private final Database db;
  private final LongSupplier clock;

  public LedgerSpend(Database db, LongSupplier clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The time the ledger's windows are cut at (epoch millis). */
  public long now() {
    return clock.getAsLong();
  }

  /**
   * The rule's spend by bucket index ({@link LimitWindow#bucketOf}), the buckets with none left
   * out: a calendar window's one bucket since the day or month began, a rolling window's last
   * {@code span()} buckets. Fails when the rule sets no spend limit.
   */
  public Future<Map<Long, Long>> buckets(LimitRule rule) {
    if (rule.spendUsd() == null) {
      return Future.failedFuture(new IllegalArgumentException("rule " + rule.id() + " sets no spend limit"));
    }
    LimitWindow window = rule.spendUsd().window();
    long current = window.bucketOf(now());
    boolean rolling = window instanceof LimitWindow.Rolling;
    long bucketMillis = rolling ? ((LimitWindow.Rolling) window).bucketMillis() : 0;
    long start = window.bucketStart(current - window.span() + 1);
    long end = window.bucketStart(current + 1);
    // Calendar windows and rolling ones of whole minutes are cut at whole seconds, which the totals
    // rows hold; a rolling window of another length (buckets of 1.5 s, say) is short, and read from
    // its batches record by record.
    Split split = !rolling || bucketMillis % 1000 == 0 ? Split.of(start, end) : Split.allPartial(start, end);
    Tuple arguments = Tuple.tuple();
    if (rolling) {
      arguments.addLong(bucketMillis);
    }
    String recordsWhere = covered(rule, arguments, start, end);
    String totalsWhere = covered(rule, arguments, split.wholeFrom(), split.wholeTo());
    String rows = UsageRows.from(recordsWhere, totalsWhere);
    String sql = rolling
        // Grouped outside: a bound divisor is a different expression to PostgreSQL in SELECT and GROUP BY.
        ? "SELECT bucket, SUM(cost_usd) FROM (SELECT time_ms / ? AS bucket, cost_usd FROM " + rows
            + ") covered GROUP BY bucket"
        // A calendar window is one bucket (months are not of one length: nothing to divide by).
        : "SELECT SUM(cost_usd) FROM " + rows;
    Map<Long, BigDecimal> usd = new TreeMap<>();
    return db.query(sql, arguments).compose(read -> {
      for (Row row : read) {
        BigDecimal sum = row.getBigDecimal(rolling ? 1 : 0);
        if (sum != null) {
          usd.merge(rolling ? ((Number) row.getValue(0)).longValue() : current, sum, BigDecimal::add);
        }
      }
      return split.forEachPartial(db::query, stored -> {
        UsageRecord record = stored.record();
        if (stored.costUsd() != null && !REFUSED_OUTCOME.equals(record.outcome())
            && LimitCoverage.covers(rule, record)) {
          usd.merge(rolling ? Math.floorDiv(record.timeMillis(), bucketMillis) : current, stored.costUsd(),
              BigDecimal::add);
        }
      });
    }).map(read -> {
      Map<Long, Long> buckets = new TreeMap<>();
      usd.forEach((bucket, sum) -> {
        if (sum.signum() > 0) {
          buckets.put(bucket, LimitAmounts.nanoUsd(sum));
        }
      });
      return buckets;
    });
  }

  /** The rows within {@code [from, to)} the rule covers, refusals left out. */
  private static String covered(LimitRule rule, Tuple arguments, long from, long to) {
    arguments.addLong(from).addLong(to).addString(REFUSED_OUTCOME);
    String covered = LimitCoverage.where(rule, arguments);
    return "time_ms >= ? AND time_ms < ? AND outcome <> ?" + (covered.isEmpty() ? "" : " AND " + covered);
  }

  /** The spend of a rule's whole window now, in nano-dollars. */
  public Future<Long> total(LimitRule rule) {
    return buckets(rule).map(buckets -> buckets.values().stream().mapToLong(Long::longValue).sum());
  }
}
