package dev.portcullis.common.metrics;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Metric label values that come from clients (model names, LLM proxy ids), kept bounded: a value
 * gets its own series only when it looks like an id (at most {@value #MAX_LENGTH} characters of
 * {@code [A-Za-z0-9._:/@+-]}) and fewer than {@code max} distinct values were let in before; the
 * rest count as {@code other}. A client cannot grow the registry. Not thread-safe: one per event
 * loop (or per owner that is only used from one).
 */
public final class BoundedLabels {

  public static final String OTHER = "other";
  public static final int MAX_LENGTH = 128;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:/@+-]+");

  private final int max;
  private final String absent;
  private final Set<String> admitted = new HashSet<>();

  /**
   * @param max    distinct values that get their own series
   * @param absent the label of a missing value
   */
  public BoundedLabels(int max, String absent) {
    this.max = max;
    this.absent = absent;
  }

  public String label(String value) {
    if (value == null) {
      return absent;
    }
    if (admitted.contains(value)) {
      // Checked when it was let in: no pattern match for a value seen before.
      return value;
    }
    if (value.length() > MAX_LENGTH || !ID.matcher(value).matches() || admitted.size() >= max) {
      return OTHER;
    }
    admitted.add(value);
    return value;
  }
}
