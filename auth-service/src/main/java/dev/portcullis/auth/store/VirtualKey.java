package dev.portcullis.auth.store;

import java.util.List;

/**
 * A virtual key as stored: only the SHA-256 of the key itself.
 *
 * @param providerKeys the mapped provider keys, one or more per provider, ordered by provider and
 *                     within a provider as they were given
 * @param llmProxyIds  the LLM proxies it is limited to; empty when it may use all of them
 * @param expiresAt    epoch millis, or {@code null} when it never expires
 */
public record VirtualKey(String id, String name, String keyHash, List<KeyMapping> providerKeys,
    List<String> llmProxyIds, Long expiresAt, long createdAt) {

  public VirtualKey {
    providerKeys = KeyMapping.inStoredOrder(providerKeys);
    llmProxyIds = List.copyOf(llmProxyIds);
  }
}
