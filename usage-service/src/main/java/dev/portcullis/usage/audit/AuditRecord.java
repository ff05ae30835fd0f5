package dev.portcullis.usage.audit;

import io.vertx.core.json.JsonObject;

/** One row of the audit log: an entry at its place in its writer's chain. */
public record AuditRecord(String writerId, long seq, AuditEntry entry, String prevHash, String hash) {

  /** Whether the row's fields still give its hash (says nothing of its place in the chain). */
  public boolean hashValid() {
    return AuditChain.hash(writerId, seq, entry, prevHash).equals(hash);
  }

  /** The export line, and the row as the admin API shows it. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("type", "record")
        .put("writerId", writerId)
        .put("seq", seq)
        .put("requestId", entry.requestId())
        .put("time", entry.timeMillis())
        .put("llmProxyId", entry.llmProxyId())
        .put("callerKind", entry.callerKind())
        .put("callerId", entry.callerId())
        .put("provider", entry.provider())
        .put("operation", entry.operation())
        .put("model", entry.model())
        .put("status", entry.status())
        .put("outcome", entry.outcome())
        .put("level", entry.level())
        .put("requestBody", entry.requestBody())
        .put("responseBody", entry.responseBody())
        .put("truncated", entry.truncated())
        .put("prevHash", prevHash)
        .put("hash", hash);
  }

  /**
   * A row from its export line. Every field must be there (a text may be null).
   *
   * @throws IllegalArgumentException when a field is missing or of the wrong type
   */
  public static AuditRecord fromJson(JsonObject json) {
    Object truncated = json.getValue("truncated");
    if (!(truncated instanceof Boolean)) {
      throw new IllegalArgumentException("truncated: missing or not a boolean");
    }
    long status = number(json, "status");
    if (status != (int) status) {
      throw new IllegalArgumentException("status: out of range");
    }
    AuditEntry entry = new AuditEntry(text(json, "requestId", false), number(json, "time"),
        text(json, "llmProxyId", false), text(json, "callerKind", false), text(json, "callerId", false),
        text(json, "provider", false), text(json, "operation", false), text(json, "model", false), (int) status,
        text(json, "outcome", false), text(json, "level", true), text(json, "requestBody", false),
        text(json, "responseBody", false), (Boolean) truncated);
    return new AuditRecord(text(json, "writerId", true), number(json, "seq"), entry, text(json, "prevHash", true),
        text(json, "hash", true));
  }

  static String text(JsonObject json, String field, boolean required) {
    if (!json.containsKey(field)) {
      throw new IllegalArgumentException(field + ": missing");
    }
    Object value = json.getValue(field);
    if (value == null && !required || value instanceof String) {
      return (String) value;
    }
    throw new IllegalArgumentException(field + ": " + (value == null ? "null" : "not a string"));
  }

  static long number(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException(field + ": " + (value == null ? "missing" : "not an integer"));
  }
}
