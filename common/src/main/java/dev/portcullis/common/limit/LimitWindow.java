package dev.portcullis.common.limit;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The time over which a limit counts, cut into buckets so that a counter is a few numbers however
 * many calls it saw. A calendar window ({@code day}, {@code month}, in UTC) is one bucket that
 * starts afresh at midnight or on the first of the month. A rolling window ({@code PT6H}, and the
 * minute of the per-minute limits) is cut into 60 buckets (at least a second each) and counts the
 * buckets that overlap the last window's length, plus the one before them: it may count a little
 * more than the exact window, never less, so a limit is never exceeded within any window's length.
 */
public sealed interface LimitWindow extends Serializable {

  /** The rolling minute of {@code requestsPerMinute} and {@code tokensPerMinute}. */
  LimitWindow MINUTE = new Rolling(Duration.ofMinutes(1));
  /** No time at all: {@code concurrentStreams} counts what is held now. */
  LimitWindow NOW = new Held();

  /** The bucket {@code nowMillis} falls in. */
  long bucketOf(long nowMillis);

  /** How many buckets, ending with the current one, the window counts. */
  int span();

  /** When bucket {@code index} begins. */
  long bucketStart(long index);

  /** The window as the admin API spells it: {@code day}, {@code month} or an ISO-8601 duration. */
  String wire();

  /** When bucket {@code index} stops being counted: once the window has moved {@link #span()} buckets on. */
  default long expiresAt(long index) {
    return bucketStart(index + span());
  }

  /**
   * Reads {@code day}, {@code month} or an ISO-8601 duration of at least a minute and at most a
   * year ({@code PT6H}, {@code P7D}).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static LimitWindow parse(String wire) {
    if (wire == null || wire.isBlank()) {
      throw new IllegalArgumentException("is required: day, month or a duration such as PT6H");
    }
    switch (wire) {
      case "day":
        return Calendar.DAY;
      case "month":
        return Calendar.MONTH;
      default:
        break;
    }
    Duration length;
    try {
      length = Duration.parse(wire);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("must be day, month or an ISO-8601 duration such as PT6H, not '"
          + (wire.length() > 40 ? wire.substring(0, 40) + "..." : wire) + "'");
    }
    if (length.compareTo(Duration.ofMinutes(1)) < 0 || length.compareTo(Duration.ofDays(366)) > 0) {
      throw new IllegalArgumentException("must be at least PT1M and at most P366D, not " + wire);
    }
    return new Rolling(length);
  }

  /** A calendar day or month in UTC: one bucket per day or month. */
  enum Calendar implements LimitWindow {
    DAY, MONTH;

    /** The month last asked for: its index, first and next first millisecond (every call asks). */
    private record Month(long index, long start, long end) {}

    private static volatile Month lastMonth = new Month(0, 0, 0);

    @Override
    public long bucketOf(long nowMillis) {
      if (this == DAY) {
        return Math.floorDiv(nowMillis, 86_400_000L);
      }
      Month month = lastMonth;
      if (nowMillis >= month.start() && nowMillis < month.end()) {
        return month.index();
      }
      LocalDate date = Instant.ofEpochMilli(nowMillis).atOffset(ZoneOffset.UTC).toLocalDate();
      long index = (date.getYear() - 1970L) * 12 + date.getMonthValue() - 1;
      lastMonth = new Month(index, bucketStart(index), bucketStart(index + 1));
      return index;
    }

    @Override
    public int span() {
      return 1;
    }

    @Override
    public long bucketStart(long index) {
      if (this == DAY) {
        return index * 86_400_000L;
      }
      LocalDate first = LocalDate.of(1970, 1, 1).plusMonths(index);
      return first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    @Override
    public String wire() {
      return this == DAY ? "day" : "month";
    }
  }

  /** A window of fixed length that moves with the clock, in 60 buckets of at least a second. */
  record Rolling(Duration length) implements LimitWindow {

    public long bucketMillis() {
      return Math.max(1000L, length.toMillis() / 60);
    }

    @Override
    public long bucketOf(long nowMillis) {
      return Math.floorDiv(nowMillis, bucketMillis());
    }

    @Override
    public int span() {
      // The buckets that overlap any instant of the last `length`, plus the current one.
      return (int) ((length.toMillis() + bucketMillis() - 1) / bucketMillis()) + 1;
    }

    @Override
    public long bucketStart(long index) {
      return index * bucketMillis();
    }

    @Override
    public String wire() {
      return length.toString();
    }
  }

  /** What is held now (streams in flight), released by its holder: no buckets, nothing expires. */
  record Held() implements LimitWindow {

    @Override
    public long bucketOf(long nowMillis) {
      return 0;
    }

    @Override
    public int span() {
      return 1;
    }

    @Override
    public long bucketStart(long index) {
      return 0;
    }

    @Override
    public long expiresAt(long index) {
      return Long.MAX_VALUE;
    }

    @Override
    public String wire() {
      return "now";
    }
  }
}
