package dev.portcullis.common.usage;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A batch of usage records on its way from a gateway's journal to the ledger
 * ({@code portcullis.usage.records}): JSON lines ({@link UsageRecordLines}) as UTF-8, the bytes
 * the journal holds, read once.
 *
 * <p>Why bytes: the journal holds the lines as UTF-8 and the ledger parses UTF-8 and stores each
 * line as it came ({@link RecordLine}); text in between would be decoded and encoded again for
 * every record. Why a holder and not the bytes themselves: the ledger answers a batch only once it
 * is stored and synced to disk (about 100 ms), and both the sender's and the receiver's message
 * stay reachable until then. Inside one JVM they are the same object, so the ledger {@link #take}s
 * the lines when it parses them and nothing keeps up to 2 MB of lines alive through that wait
 * (lines kept that long outlived young collections and filled the old generation). Across a
 * cluster the codec sends the bytes as they are.
 *
 * <p>Inside one JVM the batch may also carry the records its lines were written from
 * ({@link #takeWritten}), so the ledger need not parse again what this process has just written
 * (about a third of the ledger's work per record). They never cross the wire: a ledger in another
 * process parses the lines, as it does for any batch without them.
 */
public final class UsageLines {

  private byte[] utf8;
  private List<UsageRecord> written;

  /** Lines as UTF-8, kept as given (not copied). */
  public UsageLines(byte[] utf8) {
    this(utf8, null);
  }

  /**
   * Lines as UTF-8, kept as given, and the records they were written from: one per line in the
   * same order, null for a line whose record was not kept (it is parsed); {@code written} null
   * when none was kept.
   */
  public UsageLines(byte[] utf8, List<UsageRecord> written) {
    this.utf8 = utf8;
    this.written = written;
  }

  public UsageLines(String text) {
    this(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The lines, once: later calls (and other holders of this message) get null. */
  public synchronized byte[] take() {
    byte[] lines = utf8;
    utf8 = null;
    return lines;
  }

  /** The records the lines were written from (see the constructor), once; null when none came. */
  public synchronized List<UsageRecord> takeWritten() {
    List<UsageRecord> records = written;
    written = null;
    return records;
  }

  /** The bytes a message on the wire carries (the codec encodes before delivery, never after a take). */
  public synchronized byte[] wireBytes() {
    return utf8 == null ? new byte[0] : utf8;
  }
}
