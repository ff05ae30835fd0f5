package dev.portcullis.usage.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a verification found: the rows and writers it checked, how many places the chain does not
 * hold (after each one it goes on from the row it found) and the first of them; and each writer's
 * head, the last row's seq and hash, worth keeping outside the database: a plain hash chain shows
 * any change to rows before a known head, but whoever can write the database could recompute
 * every hash after the row they change.
 */
public record AuditReport(long records, int writers, int anchors, long breaks, AuditBreak firstBreak,
    List<Head> heads) {

  /** A writer's last row (or its anchor, when retention removed them all). */
  public record Head(String writerId, long seq, String hash) {

    JsonObject toJson() {
      return new JsonObject().put("writerId", writerId).put("seq", seq).put("hash", hash);
    }
  }

  public boolean intact() {
    return firstBreak == null;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("intact", intact()).put("records", records).put("writers", writers)
        .put("anchors", anchors);
    if (!intact()) {
      json.put("breaks", breaks).put("firstBreak", firstBreak.toJson());
    }
    return json.put("heads", new JsonArray(heads.stream().map(Head::toJson).toList()));
  }

  /** One line for a person: {@code intact: ...} or {@code broken: writer W seq N: reason (detail)}. */
  public String summary() {
    String counts = records + " records from " + writers + (writers == 1 ? " writer" : " writers")
        + (anchors > 0 ? " (" + anchors + (anchors == 1 ? " anchor" : " anchors") + ")" : "");
    if (intact()) {
      return "intact: " + counts;
    }
    return "broken: " + firstBreak.describe() + "; " + breaks + (breaks == 1 ? " break in " : " breaks in ") + counts;
  }
}
