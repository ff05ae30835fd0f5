package dev.portcullis.common.usage;

import java.io.ByteArrayOutputStream;

/**
 * A usage record read from a batch, and its line as the gateway's journal wrote it: bytes
 * {@code [from, to)} of {@code batch}, without the line end. The ledger stores such a line as it
 * came instead of writing the record again (a second JSON encoding of every call). {@code batch}
 * is null where the line says more than the record as stored (audited bodies, fields of a later
 * version): such a record is written again.
 */
public record RecordLine(UsageRecord record, byte[] batch, int from, int to) {

  /** A record with no line of its own to store: it is written again when stored. */
  public static RecordLine of(UsageRecord record) {
    return new RecordLine(record, null, 0, 0);
  }

  /** Whether the line can be stored as it came. */
  public boolean storableAsIs() {
    return batch != null;
  }

  /** Appends the line as it came and {@code '\n'} (only where {@link #storableAsIs}). */
  public void writeTo(ByteArrayOutputStream out) {
    out.write(batch, from, to - from);
    out.write('\n');
  }
}
