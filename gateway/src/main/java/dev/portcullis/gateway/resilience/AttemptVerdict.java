package dev.portcullis.gateway.resilience;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * What one attempt of a call says about its upstream, and whether the call may be tried again.
 *
 * <p>Only a failure that means the request was not processed is {@link Kind#RETRY}: the upstream
 * was never reached or sent nothing of an answer ({@link GatewayError#retrySafe()}), or it said so
 * itself: 408, 429, 502, 503, 504, 529 (Anthropic's "overloaded"), or a 500 whose body says it is
 * overloaded. Any other 5xx, or a connection that broke mid-answer, is {@link Kind#FAILED}: it
 * counts against the upstream's health, but the call is not repeated, since the upstream may
 * have acted on it. A 4xx is the caller's business ({@link Kind#NOT_UPSTREAM}): the upstream
 * answered, so it is up.
 *
 * @param retryAfterMs how long the upstream asked to be left alone, or -1 when it did not say
 * @param keyOnly      whether the failure is about the key, not its host: a 429 is one key's rate
 *                     limit, and must not close the host to the other keys
 */
public record AttemptVerdict(Kind kind, long retryAfterMs, boolean keyOnly) {

  public enum Kind { SUCCESS, RETRY, FAILED, NOT_UPSTREAM }

  public static final AttemptVerdict SUCCESS = new AttemptVerdict(Kind.SUCCESS, -1);
  public static final AttemptVerdict NOT_UPSTREAM = new AttemptVerdict(Kind.NOT_UPSTREAM, -1);
  private static final AttemptVerdict RETRY = new AttemptVerdict(Kind.RETRY, -1);
  private static final AttemptVerdict FAILED = new AttemptVerdict(Kind.FAILED, -1);

  public AttemptVerdict(Kind kind, long retryAfterMs) {
    this(kind, retryAfterMs, false);
  }

  /** How far into an error body "overloaded" is looked for. */
  static final int OVERLOAD_SCAN_BYTES = 4_096;
  private static final byte[] OVERLOADED = "overloaded".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** An answer with {@code status}; {@code body} may be null (a stream's head). */
  public static AttemptVerdict ofAnswer(int status, MultiMap headers, Buffer body, long nowMillis) {
    if (status < 400) {
      return SUCCESS;
    }
    return switch (status) {
      case 429 -> new AttemptVerdict(Kind.RETRY, RetryAfter.millis(headers, nowMillis), true);
      case 408, 502, 503, 504, 529 -> new AttemptVerdict(Kind.RETRY, RetryAfter.millis(headers, nowMillis));
      case 500 -> saysOverloaded(body) ? new AttemptVerdict(Kind.RETRY, RetryAfter.millis(headers, nowMillis)) : FAILED;
      default -> status >= 500 ? FAILED : NOT_UPSTREAM;
    };
  }

  /** An error Portcullis answers instead of the upstream (a provider's, or a failed bus hop). */
  public static AttemptVerdict ofError(GatewayError error) {
    if (error.retrySafe()) {
      return RETRY;
    }
    return error.kind() == ErrorKind.UPSTREAM_UNREACHABLE || error.kind() == ErrorKind.UPSTREAM_TIMEOUT
        ? FAILED : NOT_UPSTREAM;
  }

  public boolean retryable() {
    return kind == Kind.RETRY;
  }

  /** Whether the upstream failed (a rest for the key, a failure for its circuits). */
  public boolean upstreamFailed() {
    return kind == Kind.RETRY || kind == Kind.FAILED;
  }

  /** Case-insensitive search of the body's first bytes, without copying it into a string. */
  static boolean saysOverloaded(Buffer body) {
    if (body == null) {
      return false;
    }
    int end = Math.min(body.length(), OVERLOAD_SCAN_BYTES) - OVERLOADED.length;
    for (int i = 0; i <= end; i++) {
      int j = 0;
      while (j < OVERLOADED.length && (body.getByte(i + j) | 0x20) == OVERLOADED[j]) {
        j++;
      }
      if (j == OVERLOADED.length) {
        return true;
      }
    }
    return false;
  }
}
