package dev.portcullis.gateway.resilience;

import io.vertx.core.MultiMap;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How long an upstream asked to be left alone: {@code retry-after-ms} (OpenAI, Azure),
 * {@code Retry-After} in seconds or as an HTTP date (RFC 9110). Anything unreadable, negative or
 * absent is -1: the caller's own back-off applies.
 */
public final class RetryAfter {

  private RetryAfter() {}

  /** Milliseconds to wait, or -1 when the headers do not say. */
  public static long millis(MultiMap headers, long nowMillis) {
    if (headers == null) {
      return -1;
    }
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      long parsed = number(ms);
      if (parsed >= 0) {
        return parsed;
      }
    }
    String value = headers.get("retry-after");
    if (value == null) {
      return -1;
    }
    long seconds = number(value);
    if (seconds >= 0) {
      return seconds > Long.MAX_VALUE / 1_000 ? Long.MAX_VALUE : seconds * 1_000;
    }
    try {
      long at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return Math.max(0, at - nowMillis);
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  /** A whole non-negative number of at most 12 digits (a fraction is read down), else -1. */
  private static long number(String text) {
    String value = text.trim();
    int dot = value.indexOf('.');
    if (dot >= 0) {
      value = value.substring(0, dot);
    }
    if (value.isEmpty() || value.length() > 12) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(value);
  }
}
