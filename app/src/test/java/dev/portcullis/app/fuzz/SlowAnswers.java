package dev.portcullis.app.fuzz;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers that came after the answer timeout but before their call counted as hung, from either
 * transport. On a loaded two-core machine one call in many thousands can wait seconds for a core;
 * only a call that never ends is a hang, and many slow answers are a finding of their own.
 */
final class SlowAnswers {

  /** How many times the answer timeout a call may stay silent before it counts as hung. */
  static final int HANG_FACTOR = 5;

  private final long timeoutMs;
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicLong slowestMs = new AtomicLong();

  SlowAnswers(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  /** How long a call may stay silent before it counts as hung. */
  long hangMs() {
    return HANG_FACTOR * timeoutMs;
  }

  /** An answer that took {@code tookMs}: counted when over the answer timeout. */
  void took(long tookMs) {
    if (tookMs > timeoutMs) {
      count.incrementAndGet();
      slowestMs.accumulateAndGet(tookMs, Math::max);
    }
  }

  int count() {
    return count.get();
  }

  long slowestMs() {
    return slowestMs.get();
  }
}
