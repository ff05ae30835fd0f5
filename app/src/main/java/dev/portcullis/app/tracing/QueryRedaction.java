package dev.portcullis.app.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;

/**
 * Replaces every query value in the URLs Vert.x's tracer records ({@code url.full} of an upstream
 * call, {@code http.url} and {@code url.query} of a call to the gateway) with {@code REDACTED}, as
 * each span starts, before anything can export it: a Gemini caller's key may travel as
 * {@code ?key=}, in any spelling, and the gateway forwards it upstream on passthrough. Parameter
 * names are kept ({@code ?alt=REDACTED&key=REDACTED}), a parameter without a value is replaced whole.
 */
final class QueryRedaction implements SpanProcessor {

  static final String REDACTED = "REDACTED";
  private static final List<AttributeKey<String>> URLS =
      List.of(AttributeKey.stringKey("url.full"), AttributeKey.stringKey("http.url"));
  private static final AttributeKey<String> QUERY = AttributeKey.stringKey("url.query");

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    for (AttributeKey<String> key : URLS) {
      String url = span.getAttribute(key);
      if (url != null && url.indexOf('?') >= 0) {
        span.setAttribute(key, url(url));
      }
    }
    String query = span.getAttribute(QUERY);
    if (query != null) {
      span.setAttribute(QUERY, query(query));
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }

  /** The URL with each query value replaced, and without any fragment. */
  static String url(String url) {
    int fragment = url.indexOf('#');
    String withoutFragment = fragment < 0 ? url : url.substring(0, fragment);
    int start = withoutFragment.indexOf('?');
    if (start < 0) {
      return withoutFragment;
    }
    return withoutFragment.substring(0, start + 1) + query(withoutFragment.substring(start + 1));
  }

  /** {@code a=1&b&c=2} becomes {@code a=REDACTED&REDACTED&c=REDACTED}. */
  static String query(String query) {
    StringBuilder redacted = new StringBuilder(query.length());
    String[] parts = query.split("&", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (i > 0) {
        redacted.append('&');
      }
      int equals = part.indexOf('=');
      if (equals >= 0) {
        redacted.append(part, 0, equals + 1).append(REDACTED);
      } else if (!part.isEmpty()) {
        // A bare value could be a key as well.
        redacted.append(REDACTED);
      }
    }
    return redacted.toString();
  }
}
