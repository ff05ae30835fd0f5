package dev.portcullis.auth.store;

import java.util.List;
import java.util.Map;

/**
 * An LLM OAuth client as stored: its public client id and only the SHA-256 of its secret.
 *
 * @param providerKeyIds     the mapped provider key id, one per provider
 * @param allowedLlmProxyIds the LLM proxies its tokens may be used on
 */
public record OAuthClient(String id, String name, String clientId, String secretHash,
    Map<String, String> providerKeyIds, List<String> allowedLlmProxyIds, long createdAt) {

  public OAuthClient {
    providerKeyIds = Map.copyOf(providerKeyIds);
    allowedLlmProxyIds = List.copyOf(allowedLlmProxyIds);
  }

  @Override
  public String toString() {
    return "OAuthClient[" + id + " '" + name + "', clientId=" + clientId + ", secretHash=<redacted>, providers="
        + providerKeyIds.keySet() + ", proxies=" + allowedLlmProxyIds + "]";
  }
}
