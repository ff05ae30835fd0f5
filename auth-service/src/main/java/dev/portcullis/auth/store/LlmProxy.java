package dev.portcullis.auth.store;

import java.util.List;

/**
 * An LLM proxy (a profile or agent of the calling platform): routes name it by id; one is the
 * default. {@code auditBodies} says what the audit log keeps of its calls: {@code none},
 * {@code metadata} (who called what, when, with what outcome) or {@code full} (also the request
 * and the answer, secrets redacted). {@code policies} is its policy document as canonical JSON,
 * or null when it has none. {@code fallbacks} is its model-router fallbacks as canonical JSON
 * ({@code {"openai:gpt-4o":["anthropic:claude-sonnet-4-5"]}}), or null when it has none.
 */
public record LlmProxy(String id, String name, boolean isDefault, long createdAt, String auditBodies, String policies,
    String fallbacks) {

  public static final List<String> AUDIT_LEVELS = List.of("none", "metadata", "full");

  /** A proxy without policies or fallbacks. */
  public LlmProxy(String id, String name, boolean isDefault, long createdAt, String auditBodies) {
    this(id, name, isDefault, createdAt, auditBodies, null, null);
  }

  /** A proxy without fallbacks. */
  public LlmProxy(String id, String name, boolean isDefault, long createdAt, String auditBodies, String policies) {
    this(id, name, isDefault, createdAt, auditBodies, policies, null);
  }

  /** Without the documents: logs name proxies, never their rules. */
  @Override
  public String toString() {
    return "LlmProxy[id=" + id + ", name=" + name + ", isDefault=" + isDefault + ", createdAt=" + createdAt
        + ", auditBodies=" + auditBodies + ", policies=" + (policies == null ? "none" : policies.length() + " chars")
        + ", fallbacks=" + (fallbacks == null ? "none" : fallbacks.length() + " chars") + "]";
  }
}
