package dev.portcullis.usage.audit;

import dev.portcullis.usage.audit.AuditBreak.Reason;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Checks an export ({@link AuditStore#export}) offline, with the rules the store's own
 * verification uses ({@link ChainCheck}), reading one line at a time: memory is one line and one
 * entry per writer. Pure: no Vert.x instance, no database.
 *
 * <p>The export is JSON lines: a header ({@code {"type":"header","format":"portcullis-audit-export","version":1,...}}),
 * the anchors ({@code {"type":"anchor","writerId":...,"seq":...,"hash":...}}), the rows in
 * (writer, seq) order ({@code {"type":"record",...}}, the fields of {@link AuditRecord#toJson}),
 * and an end line with the counts ({@code {"type":"end","records":N,"anchors":M}}). A line that
 * is not what the format says is a {@link Reason#MALFORMED} break (the check goes on with the
 * next line); an export without its end line was cut short; one whose end line counts other rows
 * than it holds lost rows at its end, or gained some.
 */
public final class AuditVerifier {

  private AuditVerifier() {}

  public static AuditReport verify(InputStream export) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(export, StandardCharsets.UTF_8), 1 << 16);
    ChainCheck check = new ChainCheck();
    boolean header = false;
    boolean end = false;
    long lineNumber = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String where = "line " + lineNumber + ": ";
      JsonObject json;
      try {
        json = new JsonObject(line);
      } catch (DecodeException | ClassCastException e) {
        check.fail(null, null, Reason.MALFORMED, where + "not a JSON object");
        continue;
      }
      Object type = json.getValue("type");
      if (end) {
        check.fail(null, null, Reason.MALFORMED, where + "a line after the end line");
        continue;
      }
      if (!header && !"header".equals(type)) {
        check.fail(null, null, Reason.MALFORMED, where + "an export starts with its header line");
        header = true;
      }
      try {
        if ("header".equals(type)) {
          if (header) {
            check.fail(null, null, Reason.MALFORMED, where + "a second header line");
          } else if (!AuditStore.EXPORT_FORMAT.equals(json.getValue("format"))
              || !Integer.valueOf(AuditStore.EXPORT_VERSION).equals(json.getValue("version"))) {
            check.fail(null, null, Reason.MALFORMED, where + "not a " + AuditStore.EXPORT_FORMAT + " version "
                + AuditStore.EXPORT_VERSION);
          }
          header = true;
        } else if ("anchor".equals(type)) {
          check.anchor(AuditAnchor.fromJson(json));
        } else if ("record".equals(type)) {
          check.record(AuditRecord.fromJson(json));
        } else if ("end".equals(type)) {
          end = true;
          long records = AuditRecord.number(json, "records");
          long anchors = AuditRecord.number(json, "anchors");
          if (records != check.records() || anchors != check.anchors()) {
            check.fail(null, null, Reason.COUNT_MISMATCH, where + "the end line counts " + records + " records and "
                + anchors + " anchors, the export has " + check.records() + " and " + check.anchors());
          }
        } else {
          check.fail(null, null, Reason.MALFORMED, where + "an unknown line type");
        }
      } catch (IllegalArgumentException e) {
        check.fail(null, null, Reason.MALFORMED, where + e.getMessage());
      }
    }
    if (!header) {
      check.fail(null, null, Reason.MALFORMED, "empty: not an audit export");
    } else if (!end) {
      check.fail(null, null, Reason.MALFORMED, "no end line after line " + lineNumber + ": the export was cut short");
    }
    return check.report();
  }
}
