package dev.portcullis.console;

import java.util.function.LongSupplier;

/**
 * Bounds wrong admin tokens tried at the sign-in form: at most {@code maxFailures} in a window,
 * for the whole process (the admin port is reached from few places; one address per attacker is
 * not a bound worth having). A right token still fails while the window is full, so an attacker
 * cannot learn which of its guesses landed from a different answer.
 */
final class SignInThrottle {

  private final int maxFailures;
  private final long windowMs;
  private final LongSupplier clock;
  private long windowStart;
  private int failures;

  SignInThrottle(int maxFailures, long windowMs, LongSupplier clock) {
    this.maxFailures = maxFailures;
    this.windowMs = windowMs;
    this.clock = clock;
  }

  /** Milliseconds until a sign-in may be tried again; 0 when it may now. */
  synchronized long waitMs() {
    long now = clock.getAsLong();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      failures = 0;
    }
    return failures >= maxFailures ? windowStart + windowMs - now : 0;
  }

  synchronized void failed() {
    failures++;
  }
}
