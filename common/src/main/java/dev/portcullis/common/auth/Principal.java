package dev.portcullis.common.auth;

import dev.portcullis.common.bus.UpstreamCredential;
import java.util.List;
import java.util.Map;

/**
 * Who a virtual key or an OAuth client is, and what it may use: the LLM proxies it is limited to
 * (empty: all of them) and its upstream credentials by provider, already decrypted: one or more
 * keys per provider, each with its weight, in a stable order (the first is the one a caller that
 * needs a single key uses, such as the model list).
 *
 * @param id              the virtual key's or OAuth client's stored id
 * @param expiresAtMillis when a virtual key stops working (epoch millis); 0 when it never does
 */
public record Principal(String id, Kind kind, String name, List<String> allowedProxyIds,
    Map<String, List<UpstreamCredential>> credentials, long expiresAtMillis) {

  public enum Kind { VIRTUAL_KEY, OAUTH_CLIENT }

  public Principal {
    allowedProxyIds = allowedProxyIds == null ? List.of() : List.copyOf(allowedProxyIds);
    if (credentials == null) {
      credentials = Map.of();
    } else {
      Map<String, List<UpstreamCredential>> copy = new java.util.HashMap<>();
      credentials.forEach((provider, keys) -> {
        if (keys != null && !keys.isEmpty()) {
          copy.put(provider, List.copyOf(keys));
        }
      });
      credentials = Map.copyOf(copy);
    }
  }

  /** The keys mapped for {@code provider}; empty when none is. */
  public List<UpstreamCredential> keysFor(String provider) {
    return credentials.getOrDefault(provider, List.of());
  }

  public boolean expiredAt(long nowMillis) {
    return expiresAtMillis > 0 && nowMillis >= expiresAtMillis;
  }

  public boolean mayUseProxy(String proxyId) {
    return allowedProxyIds.isEmpty() || allowedProxyIds.contains(proxyId);
  }

  @Override
  public String toString() {
    // The credentials are UpstreamCredentials, which redact themselves; list only the providers.
    return "Principal[" + kind + " " + id + " '" + name + "', proxies=" + allowedProxyIds
        + ", providers=" + credentials.keySet() + ", expiresAtMillis=" + expiresAtMillis + "]";
  }
}
