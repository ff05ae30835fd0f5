package dev.portcullis.usage.audit;

import static dev.portcullis.usage.audit.AuditChainTest.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.portcullis.database.Database;
import dev.portcullis.usage.audit.AuditBreak.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the audit store must do, run against embedded H2 and a real PostgreSQL by the subclasses.
 * Each tampering is done in SQL, as someone with write access to the database would.
 */
abstract class AuditStoreContract {

  protected Vertx vertx;
  protected Database db;
  protected AuditStore store;

  /** A database with no audit tables yet. */
  protected abstract Database openEmptyDatabase(Vertx vertx) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    vertx = Vertx.vertx();
    db = openEmptyDatabase(vertx);
    store = AuditStore.open(db, "writer-a").await();
  }

  @AfterEach
  void closeStore() {
    db.close().await();
    vertx.close().await();
  }

  private List<AuditRecord> appendCalls(AuditStore to, int from, int count) {
    return to.append(IntStream.range(from, from + count)
        .mapToObj(i -> entry("req-" + i, 1_000L * i, "{\"answer\":" + i + "}")).toList()).await();
  }

  private void sql(String statement, Object... arguments) {
    db.query(statement, Tuple.wrap(List.of(arguments))).await();
  }

  private AuditBreak firstBreak() {
    AuditReport report = store.verify().await();
    assertThat(report.intact()).as(report.summary()).isFalse();
    return report.firstBreak();
  }

  @Test
  void appendedRowsAreNumberedLinkedAndVerify() {
    List<AuditRecord> first = appendCalls(store, 1, 3);
    List<AuditRecord> second = appendCalls(store, 4, 2);

    assertThat(first).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L);
    assertThat(second).extracting(AuditRecord::seq).containsExactly(4L, 5L);
    assertThat(first.get(0).prevHash()).isEqualTo(AuditChain.GENESIS);
    assertThat(second.get(0).prevHash()).isEqualTo(first.get(2).hash());
    AuditReport report = store.verify().await();
    assertThat(report.intact()).isTrue();
    assertThat(report.records()).isEqualTo(5);
    assertThat(report.writers()).isEqualTo(1);
    assertThat(report.heads()).containsExactly(new AuditReport.Head("writer-a", 5, second.get(1).hash()));
    assertThat(report.toJson().getBoolean("intact")).isTrue();
    assertThat(store.append(List.of()).await()).isEmpty();
  }

  @Test
  void aWriterIdUsedBeforeGoesOnWithItsChainAndOtherWritersHaveTheirOwn() {
    appendCalls(store, 1, 2);
    AuditStore again = AuditStore.open(db, "writer-a").await();
    AuditStore other = AuditStore.open(db, AuditStore.newWriterId()).await();

    assertThat(appendCalls(again, 3, 1)).extracting(AuditRecord::seq).containsExactly(3L);
    assertThat(appendCalls(other, 10, 2)).extracting(AuditRecord::seq).containsExactly(1L, 2L);
    AuditReport report = other.verify().await();
    assertThat(report.intact()).isTrue();
    assertThat(report.records()).isEqualTo(5);
    assertThat(report.writers()).isEqualTo(2);
  }

  @Test
  void concurrentBatchesAreAppendedOneAfterTheOther() {
    List<Future<List<AuditRecord>>> batches = new ArrayList<>();
    for (int b = 0; b < 8; b++) {
      int from = b * 10;
      batches.add(store.append(IntStream.range(from, from + 10).mapToObj(i -> entry("c-" + i, i, "x")).toList()));
    }
    batches.forEach(batch -> batch.await());
    AuditReport report = store.verify().await();
    assertThat(report.intact()).as(report.summary()).isTrue();
    assertThat(report.records()).isEqualTo(80);
  }

  @Test
  void anEditedRowIsFound() {
    appendCalls(store, 1, 5);
    sql("UPDATE audit_records SET response_body = ? WHERE writer_id = ? AND seq = ?", "{\"answer\":\"forged\"}",
        "writer-a", 3L);

    AuditBreak found = firstBreak();
    assertThat(found).extracting(AuditBreak::writerId, AuditBreak::seq, AuditBreak::reason)
        .containsExactly("writer-a", 3L, Reason.HASH_MISMATCH);
    assertThat(store.verify().await().breaks()).isEqualTo(1);
  }

  @Test
  void aDeletedRowIsFound() {
    appendCalls(store, 1, 5);
    sql("DELETE FROM audit_records WHERE writer_id = ? AND seq = ?", "writer-a", 3L);

    assertThat(firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason).containsExactly(3L, Reason.SEQ_GAP);
  }

  @Test
  void aReorderedPairIsFound() {
    appendCalls(store, 1, 5);
    sql("UPDATE audit_records SET seq = ? WHERE writer_id = ? AND seq = ?", 1000L, "writer-a", 2L);
    sql("UPDATE audit_records SET seq = ? WHERE writer_id = ? AND seq = ?", 2L, "writer-a", 3L);
    sql("UPDATE audit_records SET seq = ? WHERE writer_id = ? AND seq = ?", 3L, "writer-a", 1000L);

    assertThat(firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason)
        .containsExactly(2L, Reason.PREV_HASH_MISMATCH);
  }

  @Test
  void aForgedRowWithACorrectHashButTheWrongPreviousHashIsFound() {
    List<AuditRecord> rows = appendCalls(store, 1, 5);
    AuditRecord forged = AuditChain.link("writer-a", 6, entry("forged", 6_000, "{}"), rows.get(2).hash());
    assertThat(forged.hashValid()).isTrue();
    AuditEntry e = forged.entry();
    sql("INSERT INTO audit_records (" + AuditStore.COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        forged.writerId(), forged.seq(), e.requestId(), e.timeMillis(), e.llmProxyId(), e.callerKind(), e.callerId(),
        e.provider(), e.operation(), e.model(), e.status(), e.outcome(), e.level(), e.requestBody(), e.responseBody(),
        e.truncated(), forged.prevHash(), forged.hash());

    assertThat(firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason)
        .containsExactly(6L, Reason.PREV_HASH_MISMATCH);
  }

  @Test
  void theWritersOwnDeletedLastRowsAreFound() {
    appendCalls(store, 1, 5);
    sql("DELETE FROM audit_records WHERE writer_id = ? AND seq >= ?", "writer-a", 4L);

    assertThat(firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason).containsExactly(4L, Reason.TAIL_MISSING);
  }

  @Test
  void manyRowsAreVerifiedPageByPageAndABreakAcrossAPageIsFound() {
    for (int b = 0; b < 6; b++) {
      appendCalls(store, b * 100 + 1, 100);
    }
    assertThat(store.verify().await().records()).isEqualTo(600);
    // The first page holds FIRST_PAGE rows: a row deleted right after it is found across the page boundary.
    long seq = AuditStore.FIRST_PAGE + 1;
    sql("DELETE FROM audit_records WHERE writer_id = ? AND seq = ?", "writer-a", seq);
    assertThat(firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason).containsExactly(seq, Reason.SEQ_GAP);
  }

  @Test
  void bodiesAreStoredAsHashedWhateverTheyHold() {
    String large = "{\"content\":\"" + "é\uD83D\uDE00 ".repeat(400_000) + "\"}";
    AuditEntry tricky = new AuditEntry("req-big", 5, "p", "passthrough", "sha256:ab", "openai", "responses", "m", 502,
        "upstream_error", AuditEntry.FULL, large, "nul\u0000 and lone \uD800 surrogate", true);
    AuditEntry metadata = new AuditEntry("req-meta", 6, null, "none", null, "openai", "models", null, 200, "ok",
        AuditEntry.METADATA, null, null, false);
    store.append(List.of(tricky, metadata)).await();

    AuditRecord stored = store.recordsOfRequest("req-big").await().get(0);
    assertThat(stored.entry()).isEqualTo(tricky);
    assertThat(stored.entry().responseBody()).isEqualTo("nul\uFFFD and lone \uFFFD surrogate");
    assertThat(stored.hashValid()).isTrue();
    assertThat(store.recordsOfRequest("req-meta").await()).extracting(AuditRecord::entry).containsExactly(metadata);
    assertThat(store.recordsOfRequest("nope").await()).isEmpty();
    assertThat(store.verify().await().intact()).isTrue();
  }

  @Test
  void retentionRemovesAPrefixMovesTheAnchorAndTheChainStillVerifies() {
    // Times 1..6 thousand, except row 4 which came late (older than row 3).
    List<AuditEntry> entries = new ArrayList<>();
    long[] times = {1_000, 2_000, 9_000, 3_000, 9_500, 9_800};
    for (int i = 0; i < times.length; i++) {
      entries.add(entry("req-" + (i + 1), times[i], "x"));
    }
    List<AuditRecord> rows = store.append(entries).await();

    assertThat(store.purgeOlderThan(5_000).await()).isEqualTo(2);
    AuditReport afterPurge = store.verify().await();
    assertThat(afterPurge.intact()).as(afterPurge.summary()).isTrue();
    assertThat(afterPurge.records()).isEqualTo(4);
    assertThat(afterPurge.anchors()).isEqualTo(1);
    assertThat(store.recordsOfRequest("req-4").await()).hasSize(1);

    // Everything old: the anchor moves to the last row, and the chain goes on after it.
    assertThat(store.purgeOlderThan(100_000).await()).isEqualTo(4);
    AuditReport empty = store.verify().await();
    assertThat(empty.intact()).as(empty.summary()).isTrue();
    assertThat(empty.records()).isZero();
    assertThat(empty.heads()).containsExactly(new AuditReport.Head("writer-a", 6, rows.get(5).hash()));
    assertThat(AuditStore.open(db, "writer-a").await().append(List.of(entry("req-7", 200_000, "y"))).await())
        .extracting(AuditRecord::seq, AuditRecord::prevHash).containsExactly(tuple(7L, rows.get(5).hash()));
    assertThat(store.verify().await().intact()).isTrue();
    assertThat(store.purgeOlderThan(0).await()).isZero();
  }

  @Test
  void retentionKeepsOldRowsThatDoNotVerify() {
    appendCalls(store, 1, 6);
    sql("DELETE FROM audit_records WHERE writer_id = ? AND seq = ?", "writer-a", 2L);
    assertThat(store.purgeOlderThan(4_500).await()).isZero();
    assertThat(firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason).containsExactly(2L, Reason.SEQ_GAP);

  }

  @Test
  void retentionChecksTheLinkToTheFirstRowItKeeps() {
    List<AuditRecord> rows = appendCalls(store, 1, 6);
    sql("UPDATE audit_records SET prev_hash = ? WHERE writer_id = ? AND seq = ?", rows.get(0).hash(), "writer-a", 3L);
    assertThat(store.purgeOlderThan(2_500).await()).isZero();
    assertThat(firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason)
        .containsExactly(3L, Reason.PREV_HASH_MISMATCH);
  }

  @Test
  void rowsDeletedBelowAMovedAnchorAreStillFound() {
    appendCalls(store, 1, 6);
    store.purgeOlderThan(2_500).await();
    sql("DELETE FROM audit_records WHERE writer_id = ? AND seq = ?", "writer-a", 3L);

    assertThat(firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason).containsExactly(3L, Reason.SEQ_GAP);
  }

  @Test
  void theExportVerifiesOfflineAndTheSameBreaksAreFoundInIt() throws Exception {
    appendCalls(store, 1, 4);
    store.purgeOlderThan(1_500).await();
    AuditStore other = AuditStore.open(db, "writer-b").await();
    appendCalls(other, 10, 3);

    BufferSink sink = new BufferSink();
    assertThat(store.export(sink).await()).isEqualTo(6);
    List<String> lines = sink.lines();
    assertThat(new JsonObject(lines.get(0)).getString("format")).isEqualTo(AuditStore.EXPORT_FORMAT);
    assertThat(new JsonObject(lines.get(1)).getString("type")).isEqualTo("anchor");
    assertThat(new JsonObject(lines.get(lines.size() - 1)))
        .isEqualTo(new JsonObject().put("type", "end").put("records", 6).put("anchors", 1));
    AuditReport offline = verify(lines);
    assertThat(offline.intact()).as(offline.summary()).isTrue();
    assertThat(offline).isEqualTo(store.verify().await());

    // Lines: header, anchor of writer-a, writer-a seq 2..4, writer-b seq 1..3, end.
    List<String> edited = new ArrayList<>(lines);
    edited.set(3, new JsonObject(lines.get(3)).put("responseBody", "changed").encode());
    assertThat(verify(edited).firstBreak()).extracting(AuditBreak::writerId, AuditBreak::seq, AuditBreak::reason)
        .containsExactly("writer-a", 3L, Reason.HASH_MISMATCH);

    List<String> deleted = new ArrayList<>(lines);
    deleted.remove(6);
    assertThat(verify(deleted).firstBreak()).extracting(AuditBreak::writerId, AuditBreak::seq, AuditBreak::reason)
        .containsExactly("writer-b", 2L, Reason.SEQ_GAP);

    List<String> swapped = new ArrayList<>(lines);
    JsonObject b1 = new JsonObject(lines.get(5));
    JsonObject b2 = new JsonObject(lines.get(6));
    swapped.set(5, b2.copy().put("seq", 1).encode());
    swapped.set(6, b1.copy().put("seq", 2).encode());
    assertThat(verify(swapped).firstBreak()).extracting(AuditBreak::writerId, AuditBreak::seq, AuditBreak::reason)
        .containsExactly("writer-b", 1L, Reason.PREV_HASH_MISMATCH);

    List<String> lastRowGone = new ArrayList<>(lines);
    lastRowGone.remove(lines.size() - 2);
    assertThat(verify(lastRowGone).firstBreak().reason()).isEqualTo(Reason.COUNT_MISMATCH);
  }

  static AuditReport verify(List<String> lines) throws Exception {
    byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    return AuditVerifier.verify(new ByteArrayInputStream(bytes));
  }
}
