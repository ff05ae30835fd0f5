package dev.portcullis.common.usage;

/**
 * A batch of usage records on its way from a gateway's journal to the ledger
 * ({@code portcullis.usage.records}): JSON lines ({@link UsageRecordLines}), read once.
 *
 * <p>Why a holder and not the text itself: the ledger answers a batch only once it is stored and
 * synced to disk (about 100 ms), and both the sender's and the receiver's message stay reachable
 * until then. Inside one JVM they are the same object, so the ledger {@link #take}s the text
 * when it parses it and nothing keeps up to 2 MB of lines alive through that wait (lines kept that
 * long outlived young collections and filled the old generation). Across a cluster the codec
 * sends the text as UTF-8.
 */
public final class UsageLines {

  private String text;

  public UsageLines(String text) {
    this.text = text;
  }

  /** The lines, once: later calls (and other holders of this message) get null. */
  public synchronized String take() {
    String lines = text;
    text = null;
    return lines;
  }

  /** The text a message on the wire carries (the codec encodes before delivery, never after a take). */
  public synchronized String wireText() {
    return text == null ? "" : text;
  }
}
