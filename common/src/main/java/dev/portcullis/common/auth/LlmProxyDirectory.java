package dev.portcullis.common.auth;

import java.util.Map;

/**
 * The LLM proxies that exist, answered on {@code portcullis.auth.proxies}: names by id, and the
 * id of the default proxy used by routes that name none.
 */
public record LlmProxyDirectory(Map<String, String> namesById, String defaultId) {

  public LlmProxyDirectory {
    namesById = namesById == null ? Map.of() : Map.copyOf(namesById);
  }

  public boolean exists(String proxyId) {
    return namesById.containsKey(proxyId);
  }
}
