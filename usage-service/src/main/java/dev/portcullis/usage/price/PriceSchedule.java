package dev.portcullis.usage.price;

import dev.portcullis.common.price.ModelPrice;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A model's prices over time, as genai-prices lists them: one price, or several, each valid from
 * a date on or at a time of day (DeepSeek's off-peak hours). The price of a call is chosen by the
 * call's own time, so a record priced late is still priced as of its call.
 */
record PriceSchedule(List<Entry> entries) {

  /** When an entry applies. */
  sealed interface Constraint {
    boolean holdsAt(Instant time);
  }

  /** From this instant (a date's UTC midnight) on. */
  record StartDate(Instant start) implements Constraint {
    public boolean holdsAt(Instant time) {
      return !time.isBefore(start);
    }
  }

  /**
   * Between two times of the UTC day, in seconds since midnight; a window that wraps midnight
   * (end before start) holds before the end or from the start on.
   */
  record TimeOfDay(double startSecond, double endSecond) implements Constraint {
    public boolean holdsAt(Instant time) {
      var utc = time.atOffset(ZoneOffset.UTC);
      double second = utc.toLocalTime().toSecondOfDay() + utc.getNano() / 1e9;
      return endSecond < startSecond
          ? second >= startSecond || second < endSecond
          : second >= startSecond && second < endSecond;
    }
  }

  /**
   * @param constraint null for an entry that always applies
   * @param price      null where the entry prices nothing we can count (only audio hours, pages,
   *                   images)
   */
  record Entry(Constraint constraint, ModelPrice price) {}

  PriceSchedule {
    entries = List.copyOf(entries);
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a schedule needs a price");
    }
  }

  static PriceSchedule always(ModelPrice price) {
    return new PriceSchedule(List.of(new Entry(null, price)));
  }

  /**
   * The price at this time, as genai-prices picks it: the last entry that applies (an entry
   * without a constraint always does), else the first.
   */
  ModelPrice at(Instant time) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry entry = entries.get(i);
      if (entry.constraint() == null || entry.constraint().holdsAt(time)) {
        return entry.price();
      }
    }
    return entries.get(0).price();
  }
}
