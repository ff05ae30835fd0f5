package dev.portcullis.policy.sensitive;

import java.util.Objects;

/** One match of a detector: the characters {@code [start, end)} of the scanned text. */
public record Finding(String detector, int start, int end) {

  public Finding {
    Objects.requireNonNull(detector, "detector");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
    }
  }

  public int length() {
    return end - start;
  }
}
