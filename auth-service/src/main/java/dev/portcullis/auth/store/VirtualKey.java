package dev.portcullis.auth.store;

import java.util.List;
import java.util.Map;

/**
 * A virtual key as stored: only the SHA-256 of the key itself.
 *
 * @param providerKeyIds  the mapped provider key id, one per provider
 * @param llmProxyIds     the LLM proxies it is limited to; empty when it may use all of them
 * @param expiresAt       epoch millis, or {@code null} when it never expires
 */
public record VirtualKey(String id, String name, String keyHash, Map<String, String> providerKeyIds,
    List<String> llmProxyIds, Long expiresAt, long createdAt) {

  public VirtualKey {
    providerKeyIds = Map.copyOf(providerKeyIds);
    llmProxyIds = List.copyOf(llmProxyIds);
  }
}
