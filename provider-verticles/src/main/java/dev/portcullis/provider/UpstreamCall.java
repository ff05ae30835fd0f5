package dev.portcullis.provider;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;

/** The HTTP call a provider makes upstream for one {@code ProxyRequest}. */
public record UpstreamCall(String method, String url, MultiMap headers, Buffer body) {

  /** The upstream's host (and port, when the URL names one), for messages: never the path or query. */
  public String host() {
    return hostOf(url);
  }

  /** The host (and port, when named) of an upstream URL, for messages. */
  public static String hostOf(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    } catch (IllegalArgumentException e) {
      return "(unparseable URL)";
    }
  }

  @Override
  public String toString() {
    // The URL may carry a key in its query (Gemini's ?key=): show the method only.
    return "UpstreamCall[" + method + "]";
  }
}
