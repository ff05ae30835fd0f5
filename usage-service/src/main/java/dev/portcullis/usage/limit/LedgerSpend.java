package dev.portcullis.usage.limit;

import dev.portcullis.common.limit.LimitAmounts;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitWindow;
import dev.portcullis.database.Database;
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
 * back, however many records a month holds), over the time index. Refused calls (outcome
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
    Tuple arguments = Tuple.tuple();
    if (rolling) {
      arguments.addLong(((LimitWindow.Rolling) window).bucketMillis());
    }
    arguments.addLong(window.bucketStart(current - window.span() + 1)).addLong(window.bucketStart(current + 1))
        .addString(REFUSED_OUTCOME);
    String covered = LimitCoverage.where(rule, arguments);
    String where = " WHERE time_ms >= ? AND time_ms < ? AND outcome <> ?" + (covered.isEmpty() ? "" : " AND " + covered);
    String sql = rolling
        // Grouped outside: a bound divisor is a different expression to PostgreSQL in SELECT and GROUP BY.
        ? "SELECT bucket, SUM(cost_usd) FROM (SELECT time_ms / ? AS bucket, cost_usd FROM usage_records" + where
            + ") covered GROUP BY bucket"
        // A calendar window is one bucket (months are not of one length: nothing to divide by).
        : "SELECT SUM(cost_usd) FROM usage_records" + where;
    return db.query(sql, arguments).map(rows -> {
      Map<Long, Long> buckets = new TreeMap<>();
      for (Row row : rows) {
        BigDecimal usd = row.getBigDecimal(rolling ? 1 : 0);
        if (usd != null && usd.signum() > 0) {
          buckets.put(rolling ? ((Number) row.getValue(0)).longValue() : current, LimitAmounts.nanoUsd(usd));
        }
      }
      return buckets;
    });
  }

  /** The spend of a rule's whole window now, in nano-dollars. */
  public Future<Long> total(LimitRule rule) {
    return buckets(rule).map(buckets -> buckets.values().stream().mapToLong(Long::longValue).sum());
  }
}
