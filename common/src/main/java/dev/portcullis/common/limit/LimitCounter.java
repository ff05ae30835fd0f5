package dev.portcullis.common.limit;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * One limit's use over its window: a ring of buckets (see {@link LimitWindow}), or for what is
 * held now (streams) a count per holder, so that a gateway that is gone can be forgotten. Plain
 * data and arithmetic, not thread-safe: its store runs every operation on one counter atomically
 * (a lock-free map's {@code compute} in one process, an entry processor on the partition that owns
 * it in a cluster), which is what makes a reservation exact however many gateways ask at once.
 *
 * <p>Spend counters start {@linkplain #seeded() unseeded}: their first user reads what the usage
 * ledger already holds for the window and {@linkplain #seed seeds} them, once.
 */
public final class LimitCounter implements Serializable {

  private static final long serialVersionUID = 1L;

  private final long[] indexes;
  private final long[] counts;
  private final HashMap<String, Long> held;
  private boolean seeded;

  public LimitCounter(LimitWindow window) {
    if (window instanceof LimitWindow.Held) {
      indexes = new long[0];
      counts = new long[0];
      held = new HashMap<>();
    } else {
      int span = window.span();
      indexes = new long[span];
      counts = new long[span];
      java.util.Arrays.fill(indexes, Long.MIN_VALUE);
      held = null;
    }
  }

  /**
   * The result of a reservation.
   *
   * @param admitted    whether the amount was added (a soft reservation is always added)
   * @param needsSeed   nothing was done: the counter must be seeded first
   * @param used        the use now, with the amount when it was added
   * @param bucket      the bucket the amount went to (give it back to {@link #adjust})
   * @param retryAt     when a refused amount would fit (epoch millis), or -1 when no time will tell
   *                    (the amount is over the limit itself, or held counts wait for a release)
   * @param resetAt     when everything counted now has left the window, or -1 when nothing expires
   */
  public record Outcome(boolean admitted, boolean needsSeed, long used, long bucket, long retryAt, long resetAt) {

    public static final Outcome NEEDS_SEED = new Outcome(false, true, 0, 0, -1, -1);
  }

  public boolean seeded() {
    return seeded;
  }

  /**
   * Adds {@code amount} when the use stays within {@code limit}, or always when not {@code hard}.
   *
   * @param requireSeed whether the counter must have been seeded first (spend)
   * @param holder      who holds the amount, for held counts (a gateway's id); ignored otherwise
   */
  public Outcome reserve(LimitWindow window, long nowMillis, long amount, long limit, boolean hard,
      boolean requireSeed, String holder) {
    if (requireSeed && !seeded) {
      return Outcome.NEEDS_SEED;
    }
    if (held != null) {
      long used = heldTotal();
      if (hard && used + amount > limit) {
        return new Outcome(false, false, used, 0, -1, -1);
      }
      held.merge(holder, amount, Long::sum);
      return new Outcome(true, false, used + amount, 0, -1, -1);
    }
    long current = window.bucketOf(nowMillis);
    long used = used(window, nowMillis);
    if (hard && used + amount > limit) {
      return new Outcome(false, false, used, current, retryAt(window, current, used, amount, limit),
          resetAt(window, current));
    }
    add(current, amount, window.span());
    return new Outcome(true, false, used + amount, current, -1, resetAt(window, current));
  }

  /**
   * Settles a reservation: adds {@code delta} (negative gives back) to the bucket it was made in,
   * when that bucket is still counted; a bucket that has left the window is left alone.
   */
  public void adjust(LimitWindow window, long nowMillis, long bucket, long delta, String holder) {
    if (held != null) {
      long left = held.getOrDefault(holder, 0L) + delta;
      if (left > 0) {
        held.put(holder, left);
      } else {
        held.remove(holder);
      }
      return;
    }
    long current = window.bucketOf(nowMillis);
    if (bucket > current - window.span() && bucket <= current) {
      int slot = slot(bucket, window.span());
      if (indexes[slot] == bucket) {
        counts[slot] = Math.max(0, counts[slot] + delta);
      } else if (delta > 0) {
        indexes[slot] = bucket;
        counts[slot] = delta;
      }
    }
  }

  /** The use counted now. */
  public long used(LimitWindow window, long nowMillis) {
    if (held != null) {
      return heldTotal();
    }
    long current = window.bucketOf(nowMillis);
    long total = 0;
    for (int i = 0; i < indexes.length; i++) {
      if (indexes[i] > current - indexes.length && indexes[i] <= current) {
        total += counts[i];
      }
    }
    return total;
  }

  /**
   * Seeds an unseeded counter with what the ledger holds, bucket by bucket (the ledger's bucket
   * index to its amount); a counter already seeded (another gateway was first) is left as it is.
   *
   * @return whether this call seeded it
   */
  public boolean seed(LimitWindow window, long nowMillis, Map<Long, Long> amounts) {
    if (seeded) {
      return false;
    }
    seeded = true;
    long current = window.bucketOf(nowMillis);
    amounts.forEach((bucket, amount) -> {
      if (bucket > current - window.span() && bucket <= current && amount > 0) {
        add(bucket, amount, window.span());
      }
    });
    return true;
  }

  /** Forgets what a holder that is gone (a gateway that left the cluster) held. */
  public boolean forget(String holder) {
    return held != null && held.remove(holder) != null;
  }

  /** Whether the counter holds nothing any more: its store may drop it. */
  public boolean idle(LimitWindow window, long nowMillis) {
    return !seeded && used(window, nowMillis) == 0;
  }

  private long heldTotal() {
    long total = 0;
    for (long n : held.values()) {
      total += n;
    }
    return total;
  }

  private void add(long bucket, long amount, int span) {
    int slot = slot(bucket, span);
    if (indexes[slot] != bucket) {
      indexes[slot] = bucket;
      counts[slot] = 0;
    }
    counts[slot] += amount;
  }

  /** When enough of the oldest buckets will have left the window for {@code amount} to fit. */
  private long retryAt(LimitWindow window, long current, long used, long amount, long limit) {
    if (amount > limit) {
      return -1;
    }
    long remaining = used;
    for (long bucket = current - window.span() + 1; bucket <= current; bucket++) {
      int slot = slot(bucket, window.span());
      if (indexes[slot] == bucket) {
        remaining -= counts[slot];
      }
      if (remaining + amount <= limit) {
        return window.expiresAt(bucket);
      }
    }
    return window.expiresAt(current);
  }

  /** When the newest bucket holding anything leaves the window. */
  private long resetAt(LimitWindow window, long current) {
    for (long bucket = current; bucket > current - window.span(); bucket--) {
      int slot = slot(bucket, window.span());
      if (indexes[slot] == bucket && counts[slot] > 0) {
        return window.expiresAt(bucket);
      }
    }
    return window.expiresAt(current);
  }

  private static int slot(long bucket, int span) {
    return (int) Math.floorMod(bucket, (long) span);
  }
}
