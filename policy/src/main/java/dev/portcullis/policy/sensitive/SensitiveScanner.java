package dev.portcullis.policy.sensitive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs a chosen set of detectors over a text and redacts what they find. Immutable and
 * thread-safe; one per proxy's policy.
 */
public final class SensitiveScanner {

  private static final Comparator<Finding> BY_START_THEN_LONGEST =
      Comparator.comparingInt(Finding::start).thenComparing(Comparator.comparingInt(Finding::end).reversed());

  private final List<Detector> detectors;

  public SensitiveScanner(List<Detector> detectors) {
    this.detectors = List.copyOf(detectors);
  }

  public List<Detector> detectors() {
    return detectors;
  }

  /** The detector of that name among this scanner's, or null. */
  Detector detector(String name) {
    for (Detector d : detectors) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  /** Every finding, sorted by start, overlapping ones merged (see {@link #merge}). */
  public List<Finding> scan(CharSequence text) {
    List<Finding> all = new ArrayList<>();
    for (Detector d : detectors) {
      all.addAll(d.find(text));
    }
    all.sort(BY_START_THEN_LONGEST);
    return merge(all);
  }

  /**
   * Merges overlapping findings (sorted by start) into one span each, named after the detector
   * whose finding starts first (the longest of those starting together): the span covers every
   * character any of them matched, so nothing of either secret survives redaction. Findings that
   * only touch stay apart.
   */
  static List<Finding> merge(List<Finding> sorted) {
    List<Finding> merged = new ArrayList<>(sorted.size());
    Finding current = null;
    for (Finding f : sorted) {
      if (current != null && f.start() < current.end()) {
        if (f.end() > current.end()) {
          current = new Finding(current.detector(), current.start(), f.end());
        }
      } else {
        if (current != null) {
          merged.add(current);
        }
        current = f;
      }
    }
    if (current != null) {
      merged.add(current);
    }
    return merged;
  }

  /** The placeholder that replaces a finding of {@code detector}: {@code [REDACTED:email]}. */
  public static String placeholder(String detector) {
    return "[REDACTED:" + detector + "]";
  }

  /** The text with each finding's span (sorted, not overlapping, as {@link #scan} gives) replaced by its placeholder. */
  public static String redact(CharSequence text, List<Finding> findings) {
    StringBuilder out = new StringBuilder(text.length());
    int pos = 0;
    for (Finding f : findings) {
      if (f.start() < pos || f.end() > text.length()) {
        throw new IllegalArgumentException("findings must be sorted, disjoint and inside the text: " + f);
      }
      out.append(text, pos, f.start()).append(placeholder(f.detector()));
      pos = f.end();
    }
    return out.append(text, pos, text.length()).toString();
  }

  /** Scans and redacts in one step. */
  public String redact(CharSequence text) {
    return redact(text, scan(text));
  }
}
