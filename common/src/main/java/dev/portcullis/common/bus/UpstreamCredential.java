package dev.portcullis.common.bus;

import java.util.Map;

/**
 * A server-side credential the gateway resolved for this call (a stored provider key, an
 * organisation default key): the key itself, and the per-key base URL and extra headers when the
 * key has them. {@code null} in a {@link ProxyRequest} means passthrough: the client's own key
 * travels in the forwarded headers.
 *
 * <p>{@link #toString()} never shows the key.
 */
public record UpstreamCredential(String apiKey, String baseUrl, Map<String, String> extraHeaders) {

  public UpstreamCredential {
    extraHeaders = extraHeaders == null ? Map.of() : Map.copyOf(extraHeaders);
  }

  public boolean hasApiKey() {
    return apiKey != null && !apiKey.isEmpty();
  }

  @Override
  public String toString() {
    return "UpstreamCredential[apiKey=" + (hasApiKey() ? "<redacted>" : "none") + ", baseUrl=" + baseUrl
        + ", extraHeaders=" + extraHeaders.keySet() + "]";
  }
}
