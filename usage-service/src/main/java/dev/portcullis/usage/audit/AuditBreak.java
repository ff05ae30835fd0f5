package dev.portcullis.usage.audit;

import io.vertx.core.json.JsonObject;

/**
 * Where a chain does not hold: the writer, the seq (the first missing one for a gap; null when a
 * line of an export could not be read) and why.
 */
public record AuditBreak(String writerId, Long seq, Reason reason, String detail) {

  public enum Reason {
    /** The row's fields do not give its hash: it was edited. */
    HASH_MISMATCH("hash-mismatch"),
    /** Rows are missing before this seq: deleted. */
    SEQ_GAP("seq-gap"),
    /** The row does not carry the hash of the row before it: reordered, replaced, or inserted. */
    PREV_HASH_MISMATCH("prev-hash-mismatch"),
    /** A seq that goes back, or a writer's rows not together (an export only), or rows under the anchor. */
    OUT_OF_ORDER("out-of-order"),
    /** The last rows of a writer are missing (its own writer's head is known to the store). */
    TAIL_MISSING("tail-missing"),
    /** The export's end line counts other rows than it has: rows missing at its end, or added. */
    COUNT_MISMATCH("count-mismatch"),
    /** An export line that is not what the format says. */
    MALFORMED("malformed");

    private final String wire;

    Reason(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("writerId", writerId).put("seq", seq).put("reason", reason.wire())
        .put("detail", detail);
  }

  /** One line: {@code writer W seq N: reason (detail)}. */
  public String describe() {
    StringBuilder line = new StringBuilder();
    if (writerId != null) {
      line.append("writer ").append(writerId).append(' ');
    }
    if (seq != null) {
      line.append("seq ").append(seq).append(' ');
    }
    if (line.length() > 0) {
      line.setLength(line.length() - 1);
      line.append(": ");
    }
    return line.append(reason.wire()).append(" (").append(detail).append(')').toString();
  }
}
