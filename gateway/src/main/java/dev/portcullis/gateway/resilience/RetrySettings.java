package dev.portcullis.gateway.resilience;

import dev.portcullis.common.settings.Settings;
import java.time.Duration;

/**
 * How hard the gateway tries before it gives a caller an upstream's failure: attempts, the time
 * they may take, back-off, how long a failing key rests, and when a circuit opens.
 *
 * @param maxAttempts        attempts per model, the first included ({@code PORTCULLIS_RETRY_MAX_ATTEMPTS}, 3);
 *                           a caller lowers it with {@code x-portcullis-max-retries}, never raises it
 * @param budgetMs           no new attempt starts later than this after the call arrived
 *                           ({@code PORTCULLIS_RETRY_BUDGET_MS}, 30 s)
 * @param backoffMs          the first wait before the same key is tried again; it doubles each time
 *                           ({@code PORTCULLIS_RETRY_BACKOFF_MS}, 250 ms)
 * @param maxWaitMs          the longest wait before the same key is tried again: an upstream that
 *                           asks for more ({@code Retry-After}) gets its answer passed on instead
 *                           ({@code PORTCULLIS_RETRY_MAX_WAIT_MS}, 5 s)
 * @param restMs             how long a key that failed rests when the upstream did not say
 *                           ({@code PORTCULLIS_KEY_REST_MS}, 1 s, doubling on each failure in a row)
 * @param maxRestMs          the longest rest, whatever the upstream's {@code Retry-After} says
 *                           ({@code PORTCULLIS_KEY_MAX_REST_MS}, 5 min)
 * @param failureRatePercent a circuit opens when this share of its calls in the window failed
 *                           ({@code PORTCULLIS_CIRCUIT_FAILURE_RATE}, 50)
 * @param windowSeconds      the window the rate is taken over ({@code PORTCULLIS_CIRCUIT_WINDOW_SECONDS}, 30)
 * @param minimumCalls       calls in the window before the rate counts ({@code PORTCULLIS_CIRCUIT_MIN_CALLS}, 10)
 * @param openMs             how long an open circuit refuses before it lets probes through
 *                           ({@code PORTCULLIS_CIRCUIT_OPEN_MS}, 15 s)
 * @param halfOpenProbes     calls a half-open circuit lets through to decide
 *                           ({@code PORTCULLIS_CIRCUIT_PROBES}, 2)
 */
public record RetrySettings(int maxAttempts, long budgetMs, long backoffMs, long maxWaitMs, long restMs, long maxRestMs,
    int failureRatePercent, int windowSeconds, int minimumCalls, long openMs, int halfOpenProbes) {

  public static final String MAX_ATTEMPTS = "PORTCULLIS_RETRY_MAX_ATTEMPTS";
  public static final String BUDGET = "PORTCULLIS_RETRY_BUDGET_MS";
  public static final String BACKOFF = "PORTCULLIS_RETRY_BACKOFF_MS";
  public static final String MAX_WAIT = "PORTCULLIS_RETRY_MAX_WAIT_MS";
  public static final String REST = "PORTCULLIS_KEY_REST_MS";
  public static final String MAX_REST = "PORTCULLIS_KEY_MAX_REST_MS";
  public static final String FAILURE_RATE = "PORTCULLIS_CIRCUIT_FAILURE_RATE";
  public static final String WINDOW = "PORTCULLIS_CIRCUIT_WINDOW_SECONDS";
  public static final String MIN_CALLS = "PORTCULLIS_CIRCUIT_MIN_CALLS";
  public static final String OPEN = "PORTCULLIS_CIRCUIT_OPEN_MS";
  public static final String PROBES = "PORTCULLIS_CIRCUIT_PROBES";

  /** The defaults, as a gateway without settings has them. */
  public static final RetrySettings DEFAULTS = new RetrySettings(3, 30_000, 250, 5_000, 1_000, 300_000, 50, 30, 10, 15_000, 2);

  public static RetrySettings from(Settings settings) {
    return new RetrySettings(
        (int) settings.longValue(MAX_ATTEMPTS, DEFAULTS.maxAttempts, 1, 10),
        settings.longValue(BUDGET, DEFAULTS.budgetMs, 0, 3_600_000),
        settings.longValue(BACKOFF, DEFAULTS.backoffMs, 0, 60_000),
        settings.longValue(MAX_WAIT, DEFAULTS.maxWaitMs, 0, 600_000),
        settings.longValue(REST, DEFAULTS.restMs, 0, 3_600_000),
        settings.longValue(MAX_REST, DEFAULTS.maxRestMs, 0, 24L * 3_600_000),
        (int) settings.longValue(FAILURE_RATE, DEFAULTS.failureRatePercent, 1, 100),
        (int) settings.longValue(WINDOW, DEFAULTS.windowSeconds, 1, 3_600),
        (int) settings.longValue(MIN_CALLS, DEFAULTS.minimumCalls, 1, 100_000),
        settings.longValue(OPEN, DEFAULTS.openMs, 1, 3_600_000),
        (int) settings.longValue(PROBES, DEFAULTS.halfOpenProbes, 1, 100));
  }

  Duration openDuration() {
    return Duration.ofMillis(openMs);
  }
}
