package dev.portcullis.common.usage;

import java.io.ByteArrayOutputStream;

/**
 * Lines of usage records ({@link UsageRecordLines#write}) written straight into an array that is
 * kept from one use to the next and read in place: no array per record, no copy of the whole on
 * the way out (the gateway's journal writes, the ledger's compressed rows).
 */
public final class LineBuffer extends ByteArrayOutputStream {

  public LineBuffer(int initialBytes) {
    super(initialBytes);
  }

  /** Forgets what was written after the first {@code size} bytes (a record that failed or did not fit). */
  public void truncate(int size) {
    count = size;
  }

  /** The buffer itself: its first {@link #size()} bytes are the lines. */
  public byte[] bytes() {
    return buf;
  }

  public int capacity() {
    return buf.length;
  }
}
