package dev.portcullis.common.auth;

import java.util.Map;

/**
 * The LLM proxies that exist, answered on {@code portcullis.auth.proxies}: names by id, the id of
 * the default proxy used by routes that name none, what the audit log keeps of each proxy's
 * calls ({@code metadata} or {@code full}; a proxy not listed keeps {@code none}), each proxy's
 * policy document as canonical JSON (a proxy not listed has none), and each proxy's model-router
 * fallbacks as JSON, {@code {"openai:gpt-4o":["anthropic:claude-sonnet-4-5", ...]}} (a proxy not
 * listed has none).
 */
public record LlmProxyDirectory(Map<String, String> namesById, String defaultId, Map<String, String> auditLevels,
    Map<String, String> policies, Map<String, String> fallbacks) {

  public LlmProxyDirectory {
    namesById = namesById == null ? Map.of() : Map.copyOf(namesById);
    auditLevels = auditLevels == null ? Map.of() : Map.copyOf(auditLevels);
    policies = policies == null ? Map.of() : Map.copyOf(policies);
    fallbacks = fallbacks == null ? Map.of() : Map.copyOf(fallbacks);
  }

  public LlmProxyDirectory(Map<String, String> namesById, String defaultId) {
    this(namesById, defaultId, Map.of(), Map.of(), Map.of());
  }

  public LlmProxyDirectory(Map<String, String> namesById, String defaultId, Map<String, String> auditLevels) {
    this(namesById, defaultId, auditLevels, Map.of(), Map.of());
  }

  public LlmProxyDirectory(Map<String, String> namesById, String defaultId, Map<String, String> auditLevels,
      Map<String, String> policies) {
    this(namesById, defaultId, auditLevels, policies, Map.of());
  }

  /**
   * The model-router fallbacks of {@code proxyId} (the default proxy's when it is null) as JSON,
   * or null when it has none.
   */
  public String fallbacks(String proxyId) {
    return fallbacks.get(proxyId != null ? proxyId : defaultId);
  }

  /** What the audit log keeps of calls on {@code proxyId} (the default proxy's when it is null). */
  public String auditLevel(String proxyId) {
    return auditLevels.getOrDefault(proxyId != null ? proxyId : defaultId, "none");
  }

  /**
   * The policy document of {@code proxyId} (the default proxy's when it is null) as canonical
   * JSON, or null when it has none.
   */
  public String policies(String proxyId) {
    return policies.get(proxyId != null ? proxyId : defaultId);
  }

  public boolean exists(String proxyId) {
    return namesById.containsKey(proxyId);
  }
}
