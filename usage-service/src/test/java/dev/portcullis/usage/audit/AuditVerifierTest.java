package dev.portcullis.usage.audit;

import static dev.portcullis.usage.audit.AuditStoreContract.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.portcullis.usage.audit.AuditBreak.Reason;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The export's format as the offline verifier reads it; the chain rules are {@link AuditChainTest}'s. */
class AuditVerifierTest {

  /** An export of two writers, the first with an anchor at seq 1. */
  static List<String> export() {
    List<AuditRecord> a = AuditChainTest.chain("a", 3);
    List<AuditRecord> b = AuditChainTest.chain("b", 2);
    List<String> lines = new ArrayList<>();
    lines.add(new JsonObject().put("type", "header").put("format", AuditStore.EXPORT_FORMAT)
        .put("version", AuditStore.EXPORT_VERSION).encode());
    lines.add(new AuditAnchor("a", 1, a.get(0).hash()).toJson().encode());
    a.subList(1, 3).forEach(row -> lines.add(row.toJson().encode()));
    b.forEach(row -> lines.add(row.toJson().encode()));
    lines.add(new JsonObject().put("type", "end").put("records", 4).put("anchors", 1).encode());
    return lines;
  }

  @Test
  void aWholeExportIsIntactWithItsCounts() throws Exception {
    AuditReport report = verify(export());
    assertThat(report.intact()).as(report.summary()).isTrue();
    assertThat(report.summary()).isEqualTo("intact: 4 records from 2 writers (1 anchor)");
    assertThat(report.heads()).extracting(AuditReport.Head::writerId, AuditReport.Head::seq)
        .containsExactly(tuple("a", 3L), tuple("b", 2L));
  }

  @Test
  void anExportCutShortOrWithoutItsHeaderIsBroken() throws Exception {
    List<String> cut = export();
    cut.remove(cut.size() - 1);
    assertThat(verify(cut).firstBreak().reason()).isEqualTo(Reason.MALFORMED);
    assertThat(verify(cut).firstBreak().detail()).contains("cut short");

    List<String> headless = export();
    headless.remove(0);
    assertThat(verify(headless).firstBreak().detail()).contains("header");

    assertThat(verify(List.of()).firstBreak().detail()).contains("not an audit export");

    List<String> otherVersion = export();
    otherVersion.set(0, new JsonObject(otherVersion.get(0)).put("version", 2).encode());
    assertThat(verify(otherVersion).firstBreak().detail()).contains("version 1");
  }

  @Test
  void aLineThatIsNotTheFormatIsNamedByItsNumber() throws Exception {
    List<String> garbled = export();
    garbled.set(3, "{\"type\":\"record\",\"writerId\":\"a\"");
    AuditBreak found = verify(garbled).firstBreak();
    assertThat(found.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(found.detail()).startsWith("line 4: ");

    List<String> missingField = export();
    JsonObject row = new JsonObject(missingField.get(2));
    row.remove("prevHash");
    missingField.set(2, row.encode());
    assertThat(verify(missingField).firstBreak().detail()).isEqualTo("line 3: prevHash: missing");

    List<String> wrongType = export();
    wrongType.set(2, new JsonObject(wrongType.get(2)).put("seq", "2").encode());
    assertThat(verify(wrongType).firstBreak().detail()).isEqualTo("line 3: seq: not an integer");

    List<String> trailing = export();
    trailing.add(trailing.get(2));
    assertThat(verify(trailing).firstBreak().detail()).contains("after the end line");
  }

  @Test
  void aWritersRowsSplitApartOrAnAddedRowAreFound() throws Exception {
    List<String> split = export();
    // a2, a3, b1, b2 becomes a2, b1, a3, b2.
    String a3 = split.remove(3);
    split.add(4, a3);
    assertThat(verify(split).firstBreak()).extracting(AuditBreak::writerId, AuditBreak::reason)
        .containsExactly("a", Reason.OUT_OF_ORDER);

    List<String> added = export();
    added.add(added.size() - 1, AuditChain.link("b", 3, AuditChainTest.entry("x", 9, "y"),
        new JsonObject(added.get(added.size() - 2)).getString("hash")).toJson().encode());
    assertThat(verify(added).firstBreak().reason()).isEqualTo(Reason.COUNT_MISMATCH);
  }

  @Test
  void anEditedAnchorIsFound() throws Exception {
    List<String> moved = export();
    moved.set(1, new JsonObject(moved.get(1)).put("seq", 0).encode());
    assertThat(verify(moved).firstBreak()).extracting(AuditBreak::writerId, AuditBreak::seq, AuditBreak::reason)
        .containsExactly("a", 1L, Reason.SEQ_GAP);
  }
}
