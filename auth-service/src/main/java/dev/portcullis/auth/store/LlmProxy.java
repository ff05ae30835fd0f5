package dev.portcullis.auth.store;

import java.util.List;

/**
 * An LLM proxy (a profile or agent of the calling platform): routes name it by id; one is the
 * default. {@code auditBodies} says what the audit log keeps of its calls: {@code none},
 * {@code metadata} (who called what, when, with what outcome) or {@code full} (also the request
 * and the answer, secrets redacted).
 */
public record LlmProxy(String id, String name, boolean isDefault, long createdAt, String auditBodies) {

  public static final List<String> AUDIT_LEVELS = List.of("none", "metadata", "full");
}
