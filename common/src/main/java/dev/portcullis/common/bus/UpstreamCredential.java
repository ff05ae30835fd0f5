package dev.portcullis.common.bus;

import java.util.Map;

/**
 * The credential the gateway resolved for this call. Three cases:
 *
 * <ul>
 *   <li>{@code null} in a {@link ProxyRequest}: passthrough. The client's own key travels in the
 *       forwarded headers, untouched.
 *   <li>a stored or default provider key: {@link #apiKey} (sent in the provider's own header), and
 *       the key's base URL and extra headers when it has them.
 *   <li>{@link #serverSide}: the caller may use the provider's server-side identity (Vertex AI ADC,
 *       Bedrock IAM, Azure Entra ID, or the provider's configured default key); the gateway only
 *       grants this only to a resolved virtual key or access token, or to a caller without a key
 *       from a trusted network (see {@code KeylessAccess} in the gateway and SECURITY.md).
 * </ul>
 *
 * <p>{@link #toString()} never shows the key.
 *
 * @param keyId  the stored provider key's id (not a secret: what key health, circuit breakers and
 *               logs name it by), or {@code null} for a default key or the server-side identity
 * @param weight the key's share of its provider's calls among the keys mapped together (at least 1)
 */
public record UpstreamCredential(String apiKey, String baseUrl, Map<String, String> extraHeaders, boolean serverSide,
    String keyId, int weight) {

  /** Use the provider's server-side identity; no key of the caller's. */
  public static final UpstreamCredential SERVER_SIDE = new UpstreamCredential(null, null, Map.of(), true);

  public UpstreamCredential {
    extraHeaders = extraHeaders == null ? Map.of() : Map.copyOf(extraHeaders);
    weight = Math.max(1, weight);
  }

  public UpstreamCredential(String apiKey, String baseUrl, Map<String, String> extraHeaders) {
    this(apiKey, baseUrl, extraHeaders, false);
  }

  public UpstreamCredential(String apiKey, String baseUrl, Map<String, String> extraHeaders, boolean serverSide) {
    this(apiKey, baseUrl, extraHeaders, serverSide, null, 1);
  }

  public boolean hasApiKey() {
    return apiKey != null && !apiKey.isEmpty();
  }

  @Override
  public String toString() {
    return "UpstreamCredential[apiKey=" + (hasApiKey() ? "<redacted>" : "none") + ", baseUrl=" + baseUrl
        + ", extraHeaders=" + extraHeaders.keySet() + ", serverSide=" + serverSide + ", keyId=" + keyId
        + ", weight=" + weight + "]";
  }
}
