package dev.portcullis.provider;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** The HTTP call a provider makes upstream for one {@code ProxyRequest}. */
public record UpstreamCall(String method, String url, MultiMap headers, Buffer body) {

  @Override
  public String toString() {
    // The URL may carry a key in its query (Gemini's ?key=): show the method only.
    return "UpstreamCall[" + method + "]";
  }
}
