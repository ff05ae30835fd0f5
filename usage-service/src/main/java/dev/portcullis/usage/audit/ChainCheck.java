package dev.portcullis.usage.audit;

import dev.portcullis.usage.audit.AuditBreak.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of the chain, fed the anchors and then the rows in (writer, seq) order, one at a
 * time: the store's verification and the offline verifier are this same check. Memory is one
 * entry per writer, never per row.
 *
 * <p>Per row, the first rule that fails is the break: a seq after a gap ({@link Reason#SEQ_GAP},
 * reported at the first missing seq), a seq that goes back ({@link Reason#OUT_OF_ORDER}), a
 * previous hash that is not the hash of the row before ({@link Reason#PREV_HASH_MISMATCH}), a
 * hash that the row's fields do not give ({@link Reason#HASH_MISMATCH}). After a break the check
 * goes on from the row as it is, so that one edited row is one break.
 */
final class ChainCheck {

  private final Map<String, AuditAnchor> anchors = new HashMap<>();
  /** Each writer seen, in order, with its last seq and hash (its anchor's until it has rows). */
  private final Map<String, AuditReport.Head> heads = new LinkedHashMap<>();
  private final Set<String> withRows = new HashSet<>();
  private String current;
  private long expectedSeq;
  private String expectedPrev;
  private long records;
  private long breaks;
  private AuditBreak firstBreak;

  void anchor(AuditAnchor anchor) {
    if (heads.containsKey(anchor.writerId())) {
      fail(anchor.writerId(), anchor.seq(), Reason.OUT_OF_ORDER, "a second anchor, or an anchor after the writer's rows");
      return;
    }
    anchors.put(anchor.writerId(), anchor);
    heads.put(anchor.writerId(), new AuditReport.Head(anchor.writerId(), anchor.seq(), anchor.hash()));
  }

  void record(AuditRecord row) {
    records++;
    String writer = row.writerId();
    boolean first = !writer.equals(current);
    if (first) {
      current = writer;
      AuditAnchor anchor = anchors.get(writer);
      expectedSeq = anchor == null ? 1 : anchor.seq() + 1;
      expectedPrev = anchor == null ? AuditChain.GENESIS : anchor.hash();
      if (!withRows.add(writer)) {
        AuditReport.Head head = heads.get(writer);
        fail(writer, row.seq(), Reason.OUT_OF_ORDER, "the writer's rows are not together");
        expectedSeq = head.seq() + 1;
        expectedPrev = head.hash();
        first = false;
      }
    }
    if (row.seq() > expectedSeq) {
      fail(writer, expectedSeq, Reason.SEQ_GAP, row.seq() - 1 == expectedSeq
          ? "deleted: row " + expectedSeq + " is missing"
          : "deleted: rows " + expectedSeq + " to " + (row.seq() - 1) + " are missing");
    } else if (row.seq() < expectedSeq) {
      fail(writer, row.seq(), Reason.OUT_OF_ORDER, first
          ? "a row at or below the writer's anchor (seq " + (expectedSeq - 1) + ")"
          : "seq " + row.seq() + " comes after seq " + (expectedSeq - 1));
    } else if (!expectedPrev.equals(row.prevHash())) {
      fail(writer, row.seq(), Reason.PREV_HASH_MISMATCH, expectedSeq == 1
          ? "reordered or replaced: the first row does not start the chain"
          : "reordered, replaced or inserted: it does not carry the hash of the row before it");
    } else if (!row.hashValid()) {
      fail(writer, row.seq(), Reason.HASH_MISMATCH, "edited: its fields do not give its hash");
    }
    expectedSeq = row.seq() + 1;
    expectedPrev = row.hash();
    heads.put(writer, new AuditReport.Head(writer, row.seq(), row.hash()));
  }

  /** A writer whose last row is known elsewhere: rows up to {@code seq} must have been seen. */
  void expectHead(String writerId, long seq) {
    AuditReport.Head head = heads.get(writerId);
    long last = head == null ? 0 : head.seq();
    if (last < seq) {
      fail(writerId, last + 1, Reason.TAIL_MISSING, last + 1 == seq
          ? "deleted: its last row, " + seq + ", is missing"
          : "deleted: its last rows, " + (last + 1) + " to " + seq + ", are missing");
    }
  }

  void fail(String writerId, Long seq, Reason reason, String detail) {
    breaks++;
    if (firstBreak == null) {
      firstBreak = new AuditBreak(writerId, seq, reason, detail);
    }
  }

  long records() {
    return records;
  }

  int anchors() {
    return anchors.size();
  }

  AuditReport report() {
    return new AuditReport(records, heads.size(), anchors.size(), breaks, firstBreak, new ArrayList<>(heads.values()));
  }
}
