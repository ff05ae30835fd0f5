package dev.portcullis.common.auth;

import java.util.Map;

/**
 * The LLM proxies that exist, answered on {@code portcullis.auth.proxies}: names by id, the id of
 * the default proxy used by routes that name none, and what the audit log keeps of each proxy's
 * calls ({@code metadata} or {@code full}; a proxy not listed keeps {@code none}).
 */
public record LlmProxyDirectory(Map<String, String> namesById, String defaultId, Map<String, String> auditLevels) {

  public LlmProxyDirectory {
    namesById = namesById == null ? Map.of() : Map.copyOf(namesById);
    auditLevels = auditLevels == null ? Map.of() : Map.copyOf(auditLevels);
  }

  public LlmProxyDirectory(Map<String, String> namesById, String defaultId) {
    this(namesById, defaultId, Map.of());
  }

  /** What the audit log keeps of calls on {@code proxyId} (the default proxy's when it is null). */
  public String auditLevel(String proxyId) {
    return auditLevels.getOrDefault(proxyId != null ? proxyId : defaultId, "none");
  }

  public boolean exists(String proxyId) {
    return namesById.containsKey(proxyId);
  }
}
