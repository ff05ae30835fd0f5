package dev.portcullis.usage.audit;

import io.vertx.core.json.JsonObject;

/**
 * Where a writer's chain now starts: the last row retention removed ({@code seq}, {@code hash}).
 * Its next row must be {@code seq + 1} and carry {@code hash} as its previous hash.
 */
public record AuditAnchor(String writerId, long seq, String hash) {

  /** The export line. */
  public JsonObject toJson() {
    return new JsonObject().put("type", "anchor").put("writerId", writerId).put("seq", seq).put("hash", hash);
  }

  /** @throws IllegalArgumentException when a field is missing or of the wrong type */
  public static AuditAnchor fromJson(JsonObject json) {
    return new AuditAnchor(AuditRecord.text(json, "writerId", true), AuditRecord.number(json, "seq"),
        AuditRecord.text(json, "hash", true));
  }
}
