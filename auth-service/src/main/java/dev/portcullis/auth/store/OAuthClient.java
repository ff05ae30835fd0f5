package dev.portcullis.auth.store;

import java.util.List;

/**
 * An LLM OAuth client as stored: its public client id and only the SHA-256 of its secret.
 *
 * @param providerKeys       the mapped provider keys, one or more per provider, ordered by
 *                           provider and within a provider as they were given
 * @param allowedLlmProxyIds the LLM proxies its tokens may be used on
 */
public record OAuthClient(String id, String name, String clientId, String secretHash,
    List<KeyMapping> providerKeys, List<String> allowedLlmProxyIds, long createdAt) {

  public OAuthClient {
    providerKeys = KeyMapping.inStoredOrder(providerKeys);
    allowedLlmProxyIds = List.copyOf(allowedLlmProxyIds);
  }

  @Override
  public String toString() {
    return "OAuthClient[" + id + " '" + name + "', clientId=" + clientId + ", secretHash=<redacted>, providers="
        + providerKeys.stream().map(KeyMapping::provider).distinct().toList() + ", proxies=" + allowedLlmProxyIds + "]";
  }
}
