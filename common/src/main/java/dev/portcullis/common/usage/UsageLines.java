package dev.portcullis.common.usage;

import java.nio.charset.StandardCharsets;

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
 */
public final class UsageLines {

  private byte[] utf8;

  /** Lines as UTF-8, kept as given (not copied). */
  public UsageLines(byte[] utf8) {
    this.utf8 = utf8;
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

  /** The bytes a message on the wire carries (the codec encodes before delivery, never after a take). */
  public synchronized byte[] wireBytes() {
    return utf8 == null ? new byte[0] : utf8;
  }
}
