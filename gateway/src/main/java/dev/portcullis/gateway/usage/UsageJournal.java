package dev.portcullis.gateway.usage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The gateway's on-disk journal of usage records: JSON lines appended to numbered segment files,
 * and a cursor (segment, offset) saying how far the ledger has confirmed them. A record is
 * appended before it is shipped, and the cursor moves only once the ledger has stored a batch; a
 * gateway that dies between the two ships the batch again after its restart, and the ledger,
 * which keys records by request id, stores it once.
 *
 * <p>Used by one thread only ({@link UsageShipper}'s). A torn last line (the process died in the
 * middle of a write) is cut off when the journal opens. The directory is locked while open, so two
 * gateways on one host cannot share it.
 */
final class UsageJournal implements AutoCloseable {

  static final long SEGMENT_BYTES = 16L * 1024 * 1024;
  private static final String SEGMENT_PREFIX = "segment-";
  private static final String SEGMENT_SUFFIX = ".jsonl";
  private static final String CURSOR = "cursor";

  private final Path dir;
  private final long maxBytes;
  private final FileChannel lockChannel;
  private final FileLock lock;
  /** Segment number to its length in bytes, for every segment on disk. */
  private final TreeMap<Long, Long> segments = new TreeMap<>();
  private FileChannel writing;
  private long writingSegment;
  private long cursorSegment;
  private long cursorOffset;
  /** Whether the cursor file says what {@link #cursorSegment} and {@link #cursorOffset} say. */
  private boolean cursorSaved = true;
  private long unsyncedBytes;

  private UsageJournal(Path dir, long maxBytes, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (or creates) the journal in {@code dir}, holding at most {@code maxBytes} of records
   * that the ledger has not confirmed.
   *
   * @throws IOException when the directory cannot be used, or another process holds it
   */
  static UsageJournal open(Path dir, long maxBytes) throws IOException {
    Files.createDirectories(dir);
    ownerOnly(dir, "rwx------");
    FileChannel lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException heldHere) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("the usage journal " + dir + " is in use by another process");
    }
    UsageJournal journal = new UsageJournal(dir, maxBytes, lockChannel, lock);
    try {
      journal.load();
    } catch (IOException | RuntimeException e) {
      journal.close();
      throw e;
    }
    return journal;
  }

  private void load() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.startsWith(SEGMENT_PREFIX) && name.endsWith(SEGMENT_SUFFIX)) {
          long number = Long.parseLong(name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length()));
          segments.put(number, Files.size(file));
        }
      }
    }
    Path cursorFile = dir.resolve(CURSOR);
    if (Files.exists(cursorFile)) {
      String[] parts = Files.readString(cursorFile, StandardCharsets.US_ASCII).trim().split(" ");
      cursorSegment = Long.parseLong(parts[0]);
      cursorOffset = Long.parseLong(parts[1]);
    } else {
      cursorSegment = segments.isEmpty() ? 1 : segments.firstKey();
      cursorOffset = 0;
    }
    // Segments wholly before the cursor were confirmed; a crash may have left them behind.
    while (!segments.isEmpty() && segments.firstKey() < cursorSegment) {
      Files.deleteIfExists(segment(segments.pollFirstEntry().getKey()));
    }
    writingSegment = segments.isEmpty() ? Math.max(1, cursorSegment) : segments.lastKey();
    writing = FileChannel.open(segment(writingSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    ownerOnly(segment(writingSegment), "rw-------");
    cutTornLine();
    segments.put(writingSegment, writing.size());
    writing.position(writing.size());
  }

  /** Cuts a last line that has no end: the write that was making it never finished. */
  private void cutTornLine() throws IOException {
    long size = writing.size();
    if (size == 0) {
      return;
    }
    long end = size;
    ByteBuffer one = ByteBuffer.allocate(1);
    while (end > 0) {
      one.clear();
      writing.read(one, end - 1);
      if (one.get(0) == '\n') {
        break;
      }
      end--;
    }
    if (end < size) {
      writing.truncate(end);
    }
  }

  /**
   * Records name callers and models, and audited ones carry (redacted) bodies: only the gateway's
   * user may read them, as with the rest of the data directory.
   */
  private static void ownerOnly(Path path, String permissions) throws IOException {
    if (Files.getFileStore(path).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
    }
  }

  private Path segment(long number) {
    return dir.resolve(SEGMENT_PREFIX + String.format("%012d", number) + SEGMENT_SUFFIX);
  }

  /** Bytes of records not yet confirmed by the ledger. */
  long pendingBytes() {
    long total = 0;
    // Segments before the cursor's are confirmed, kept only until the cursor is saved.
    for (var entry : segments.tailMap(cursorSegment, true).entrySet()) {
      total += entry.getValue() - (entry.getKey() == cursorSegment ? cursorOffset : 0);
    }
    return total;
  }

  /** Whether {@code bytes} more would go over the bound. */
  boolean full(long bytes) {
    return pendingBytes() + bytes > maxBytes;
  }

  /**
   * Appends lines (each one JSON object and {@code '\n'}), in one write. The bytes are in the
   * operating system's hands when this returns (a killed process loses none); {@link #sync} puts
   * them on the disk.
   */
  void append(byte[] lines) throws IOException {
    append(lines, lines.length);
  }

  /** As {@link #append(byte[])}, the first {@code length} bytes of {@code lines}. */
  void append(byte[] lines, int length) throws IOException {
    if (segments.get(writingSegment) >= SEGMENT_BYTES) {
      writing.force(false);
      writing.close();
      writingSegment++;
      writing = FileChannel.open(segment(writingSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.READ);
      segments.put(writingSegment, 0L);
      ownerOnly(segment(writingSegment), "rw-------");
    }
    ByteBuffer buffer = ByteBuffer.wrap(lines, 0, length);
    while (buffer.hasRemaining()) {
      writing.write(buffer);
    }
    segments.merge(writingSegment, (long) length, Long::sum);
    unsyncedBytes += length;
  }

  /** The segment the last {@link #append} wrote to. */
  long writingSegment() {
    return writingSegment;
  }

  /** Where the segment the last {@link #append} wrote to ends: that append's bytes end here. */
  long writingEnd() {
    return segments.get(writingSegment);
  }

  /** Puts what was appended on the disk (it survives a crash of the machine too). */
  void sync() throws IOException {
    if (unsyncedBytes > 0) {
      writing.force(false);
      unsyncedBytes = 0;
    }
  }

  /** The next unconfirmed records, at most {@code maxRecords} and about {@code maxBytes}. */
  Optional<Batch> next(int maxRecords, int maxBytes) throws IOException {
    long number = cursorSegment;
    long offset = cursorOffset;
    while (true) {
      Long length = segments.get(number);
      if (length == null) {
        Long later = segments.higherKey(number);
        if (later == null) {
          return Optional.empty();
        }
        number = later;
        offset = 0;
        continue;
      }
      if (offset < length) {
        break;
      }
      Long later = segments.higherKey(number);
      if (later == null) {
        return Optional.empty();
      }
      number = later;
      offset = 0;
    }
    long available = segments.get(number) - offset;
    int toRead = (int) Math.min(available, Math.max(maxBytes, 64 * 1024));
    ByteBuffer buffer = ByteBuffer.allocate(toRead);
    if (number == writingSegment) {
      // The segment being written is open for reading too: no open and close per batch (positional
      // reads leave the write position where it is).
      read(writing, buffer, offset);
    } else {
      try (FileChannel reading = FileChannel.open(segment(number), StandardOpenOption.READ)) {
        read(reading, buffer, offset);
      }
    }
    byte[] bytes = buffer.array();
    int limit = buffer.position();
    int records = 0;
    int start = 0;
    int consumed = 0;
    for (int i = 0; i < limit && records < maxRecords; i++) {
      if (bytes[i] == '\n') {
        if (i > start) {
          records++;
        }
        start = i + 1;
        consumed = start;
        if (consumed >= maxBytes) {
          break;
        }
      }
    }
    if (consumed == 0) {
      if (limit < available) {
        // A line longer than what was read: read all of it (records are bounded, so is this).
        return next(maxRecords, (int) Math.min(Integer.MAX_VALUE - 8, available));
      }
      return Optional.empty();
    }
    // The lines as they are in the file (UTF-8, each ended by '\n'): what the ledger is sent and
    // parses in place, so no text is made of them here.
    byte[] lines = consumed == bytes.length ? bytes : Arrays.copyOf(bytes, consumed);
    return Optional.of(new Batch(lines, records, number, offset, number, offset + consumed));
  }

  private static void read(FileChannel channel, ByteBuffer buffer, long offset) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, offset + buffer.position()) < 0) {
        break;
      }
    }
  }

  /**
   * The ledger stored everything up to the end of {@code batch}: moves the cursor past it, in
   * memory. The file follows at the next {@link #saveCursor}.
   */
  void confirm(Batch batch) {
    cursorSegment = batch.endSegment();
    cursorOffset = batch.endOffset();
    cursorSaved = false;
  }

  /**
   * Writes the cursor to its file if it moved, then deletes the segments wholly before it. Called
   * once a second and at close, not at every confirmed batch: writing and renaming the file per
   * batch cost 0.26 to 0.32 µs a record at saturation on one core (a new inode each time). A
   * gateway killed between two saves ships again what the ledger confirmed since the last one (a
   * second of records at most), and the ledger, which keys records by request id, keeps one of
   * each. A segment is deleted only once the saved cursor is past it, so the file never points
   * into a segment that is gone.
   */
  void saveCursor() throws IOException {
    if (cursorSaved) {
      return;
    }
    Path temporary = dir.resolve(CURSOR + ".tmp");
    Files.writeString(temporary, cursorSegment + " " + cursorOffset + "\n", StandardCharsets.US_ASCII);
    Files.move(temporary, dir.resolve(CURSOR), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    cursorSaved = true;
    while (segments.firstKey() < cursorSegment) {
      long done = segments.pollFirstEntry().getKey();
      Files.deleteIfExists(segment(done));
    }
  }

  @Override
  public void close() throws IOException {
    try {
      saveCursor();
      if (writing != null) {
        writing.force(false);
        writing.close();
      }
    } finally {
      lock.release();
      lockChannel.close();
    }
  }

  /**
   * Lines read from the journal ({@code lines}: {@code records} JSON lines as UTF-8, each ended by
   * {@code '\n'}, empty lines among them skipped in the count), where they start, and where the
   * cursor goes once the ledger has them.
   */
  record Batch(byte[] lines, int records, long startSegment, long startOffset, long endSegment, long endOffset) {

    /** Whether this batch starts at or after {@code segment}:{@code offset}. */
    boolean startsAtOrAfter(long segment, long offset) {
      return startSegment > segment || startSegment == segment && startOffset >= offset;
    }

    /** This batch without its lines: where it lies and how many records it holds. */
    Batch withoutLines() {
      return new Batch(null, records, startSegment, startOffset, endSegment, endOffset);
    }

    /** The batch's lines as text, the empty ones left out. */
    List<String> textLines() {
      return new String(lines, StandardCharsets.UTF_8).lines().filter(line -> !line.isEmpty()).toList();
    }
  }

  /** Where the journal ends now: every record before it was written by now. */
  long[] end() {
    return new long[] {writingSegment, segments.get(writingSegment)};
  }
}
