package dev.portcullis.common.auth;

import dev.portcullis.common.bus.UpstreamCredential;
import java.util.List;
import java.util.Map;

/**
 * Who a virtual key or an OAuth client is, and what it may use: the LLM proxies it is limited to
 * (empty: all of them) and one upstream credential per provider, already decrypted.
 *
 * @param id              the virtual key's or OAuth client's stored id
 * @param expiresAtMillis when a virtual key stops working (epoch millis); 0 when it never does
 */
public record Principal(String id, Kind kind, String name, List<String> allowedProxyIds,
    Map<String, UpstreamCredential> credentials, long expiresAtMillis) {

  public enum Kind { VIRTUAL_KEY, OAUTH_CLIENT }

  public Principal {
    allowedProxyIds = allowedProxyIds == null ? List.of() : List.copyOf(allowedProxyIds);
    credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
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
