package dev.portcullis.usage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.usage.audit.AuditBreak.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditChainTest {

  static AuditEntry entry(String requestId, long time, String responseBody) {
    return new AuditEntry(requestId, time, "proxy-1", "virtual_key", "vk-1", "openai", "chat.completions", "gpt-4o",
        200, "ok", AuditEntry.FULL, "{\"model\":\"gpt-4o\"}", responseBody, false);
  }

  static List<AuditRecord> chain(String writer, int rows) {
    List<AuditRecord> chain = new ArrayList<>();
    String prev = AuditChain.GENESIS;
    for (int seq = 1; seq <= rows; seq++) {
      AuditRecord row = AuditChain.link(writer, seq, entry("req-" + seq, 1_000L * seq, "answer " + seq), prev);
      chain.add(row);
      prev = row.hash();
    }
    return chain;
  }

  @Test
  void theCanonicalLayoutIsTheDocumentedOne() {
    AuditEntry entry = new AuditEntry("r", 7, null, "none", null, "p", "o", null, 200, "ok", "metadata", null, "",
        true);
    byte[] bytes = AuditChain.canonical("w", 1, entry, AuditChain.GENESIS);

    ByteBuffer expected = ByteBuffer.allocate(bytes.length);
    expected.put("portcullis-audit-v1".getBytes(StandardCharsets.US_ASCII));
    text(expected, "w");
    expected.putLong(1);
    text(expected, "r");
    expected.putLong(7);
    expected.put((byte) 0);
    text(expected, "none");
    expected.put((byte) 0);
    text(expected, "p");
    text(expected, "o");
    expected.put((byte) 0);
    expected.putInt(200);
    text(expected, "ok");
    text(expected, "metadata");
    expected.put((byte) 0);
    text(expected, "");
    expected.put((byte) 1);
    text(expected, AuditChain.GENESIS);
    assertThat(expected.hasRemaining()).isFalse();
    assertThat(bytes).isEqualTo(expected.array());
    assertThat(AuditChain.hash("w", 1, entry, AuditChain.GENESIS))
        .isEqualTo(HexFormat.of().formatHex(sha256(bytes)))
        // Pinned: every stored row and export holds such hashes; a change of layout shows here first.
        .isEqualTo("14e2ce48f3a1f9af28c9039262361cdee2009e37a897d471953c1fdd5166d431");
  }

  private static void text(ByteBuffer out, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.put((byte) 1).putInt(utf8.length).put(utf8);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void nullAndEmptyAndFieldBoundariesGiveDifferentHashes() {
    AuditEntry withNull = entry("r", 1, null);
    AuditEntry withEmpty = entry("r", 1, "");
    assertThat(AuditChain.hash("w", 1, withNull, AuditChain.GENESIS))
        .isNotEqualTo(AuditChain.hash("w", 1, withEmpty, AuditChain.GENESIS));
    // "ab" + "c" and "a" + "bc" in two neighbouring fields.
    AuditEntry left = new AuditEntry("r", 1, "p", "k", "ab", "c", "o", "m", 200, "ok", "full", null, null, false);
    AuditEntry right = new AuditEntry("r", 1, "p", "k", "a", "bc", "o", "m", 200, "ok", "full", null, null, false);
    assertThat(AuditChain.hash("w", 1, left, AuditChain.GENESIS))
        .isNotEqualTo(AuditChain.hash("w", 1, right, AuditChain.GENESIS));
  }

  @Test
  void aChainLinksEachRowToTheOneBefore() {
    List<AuditRecord> chain = chain("w", 3);
    assertThat(chain.get(0).prevHash()).isEqualTo(AuditChain.GENESIS);
    assertThat(chain.get(1).prevHash()).isEqualTo(chain.get(0).hash());
    assertThat(chain.get(2).prevHash()).isEqualTo(chain.get(1).hash());
    assertThat(chain).allMatch(AuditRecord::hashValid);
    assertThat(chain.get(0).hash()).hasSize(64).matches("[0-9a-f]{64}");
  }

  @Test
  void theCheckFindsEachKindOfBreakAtItsSeq() {
    List<AuditRecord> chain = chain("w", 5);

    assertThat(check(chain).intact()).isTrue();

    List<AuditRecord> edited = new ArrayList<>(chain);
    AuditRecord third = chain.get(2);
    edited.set(2, new AuditRecord("w", 3, entry("req-3", 3_000, "changed"), third.prevHash(), third.hash()));
    assertThat(check(edited).firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason)
        .containsExactly(3L, Reason.HASH_MISMATCH);
    assertThat(check(edited).breaks()).isEqualTo(1);

    List<AuditRecord> deleted = new ArrayList<>(chain);
    deleted.remove(2);
    assertThat(check(deleted).firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason)
        .containsExactly(3L, Reason.SEQ_GAP);

    List<AuditRecord> swapped = new ArrayList<>(chain);
    swapped.set(1, renumbered(chain.get(2), 2));
    swapped.set(2, renumbered(chain.get(1), 3));
    assertThat(check(swapped).firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason)
        .containsExactly(2L, Reason.PREV_HASH_MISMATCH);

    List<AuditRecord> forged = new ArrayList<>(chain);
    forged.add(AuditChain.link("w", 6, entry("forged", 6_000, "x"), chain.get(3).hash()));
    assertThat(check(forged).firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason)
        .containsExactly(6L, Reason.PREV_HASH_MISMATCH);
  }

  @Test
  void anAnchorStartsTheChainAfterTheRowsRetentionRemoved() {
    List<AuditRecord> chain = chain("w", 5);
    ChainCheck check = new ChainCheck();
    check.anchor(new AuditAnchor("w", 2, chain.get(1).hash()));
    chain.subList(2, 5).forEach(check::record);
    assertThat(check.report().intact()).isTrue();
    assertThat(check.report().heads()).containsExactly(new AuditReport.Head("w", 5, chain.get(4).hash()));

    ChainCheck wrongAnchor = new ChainCheck();
    wrongAnchor.anchor(new AuditAnchor("w", 2, chain.get(0).hash()));
    chain.subList(2, 5).forEach(wrongAnchor::record);
    assertThat(wrongAnchor.report().firstBreak()).extracting(AuditBreak::seq, AuditBreak::reason)
        .containsExactly(3L, Reason.PREV_HASH_MISMATCH);
  }

  @Test
  void aWriterWhoseLastRowsAreGoneIsBrokenAtItsTail() {
    ChainCheck check = new ChainCheck();
    chain("w", 3).forEach(check::record);
    check.expectHead("w", 5);
    assertThat(check.report().firstBreak()).extracting(AuditBreak::writerId, AuditBreak::seq, AuditBreak::reason)
        .containsExactly("w", 4L, Reason.TAIL_MISSING);
  }

  @Test
  void theEntryOfAUsageRecordTakesItsAuditAndTheModelThatAnswered() {
    UsageRecord record = new UsageRecord("id-1", 42, "proxy", UsageRecord.CallerKind.OAUTH_CLIENT, "client", "anthropic",
        "messages", "claude-x", "claude-x-2025", 1, 2, 0, 0, 0, true, 200, "ok", 10.0, 5.0,
        new UsageRecord.Audit("full", "req", "res", true));
    assertThat(AuditEntry.of(record)).contains(new AuditEntry("id-1", 42, "proxy", "oauth_client", "client",
        "anthropic", "messages", "claude-x-2025", 200, "ok", "full", "req", "res", true));
    UsageRecord withSecret = new UsageRecord("id-3", 42, "proxy", UsageRecord.CallerKind.NONE, null, "openai",
        "chat.completions", "m", null, 1, 2, 0, 0, 0, false, 200, "ok", 10.0, null,
        new UsageRecord.Audit("full", "{\"api_key\":\"abc\"}", null, false));
    assertThat(AuditEntry.of(withSecret).orElseThrow().requestBody()).isEqualTo("{\"api_key\":\"[REDACTED]\"}");
    UsageRecord unaudited = new UsageRecord("id-2", 42, "proxy", UsageRecord.CallerKind.NONE, null, "openai",
        "chat.completions", "m", null, 1, 2, 0, 0, 0, false, 200, "ok", 10.0, null, null);
    assertThat(AuditEntry.of(unaudited)).isEmpty();
  }

  @Test
  void textsAreMadeStorableOnBothDatabases() {
    assertThat(AuditEntry.storable("a\u0000b")).isEqualTo("a\uFFFDb");
    assertThat(AuditEntry.storable("x\uD800y\uDC00")).isEqualTo("x\uFFFDy\uFFFD");
    String fine = "emoji \uD83D\uDE00 and é";
    assertThat(AuditEntry.storable(fine)).isSameAs(fine);
    assertThat(entry("r", 1, "nul\u0000").responseBody()).isEqualTo("nul\uFFFD");
  }

  private static AuditRecord renumbered(AuditRecord row, long seq) {
    return new AuditRecord(row.writerId(), seq, row.entry(), row.prevHash(), row.hash());
  }

  private static AuditReport check(List<AuditRecord> rows) {
    ChainCheck check = new ChainCheck();
    rows.forEach(check::record);
    return check.report();
  }
}
