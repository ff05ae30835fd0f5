package dev.portcullis.gateway.usage;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.usage.LineBuffer;
import dev.portcullis.common.usage.UsageLines;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecordLines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes every finished call's usage record off the event loop and gets it to the ledger: event
 * loops only put the record in a bounded queue ({@link #offer}, never blocking); one thread of
 * its own appends the queue to the {@link UsageJournal} every {@value #FLUSH_MILLIS} ms, syncs the
 * journal to disk every {@value #SYNC_MILLIS} ms, and ships unconfirmed records in batches to
 * {@code portcullis.usage.records}, moving the journal's cursor once the ledger has stored them. A
 * batch goes when {@value #SHIP_BYTES} bytes of records wait, or {@value #SHIP_MILLIS} ms after the
 * last one went.
 * While the ledger cannot store (its database is down, no instance runs), records stay in the
 * journal, up to its bound; past that, new records are dropped and counted.
 *
 * <p>What a crash loses: a killed gateway process, the records of at most the last
 * {@value #FLUSH_MILLIS} ms (still in the queue); a crash of the machine, at most the last
 * {@value #SYNC_MILLIS} ms (written, not yet synced). What it sends again after a restart: the
 * batches the ledger confirmed in the last {@value #SYNC_MILLIS} ms (the journal's cursor is saved
 * with every sync); the ledger keeps one of each.
 */
public final class UsageShipper implements AutoCloseable {

  static final long FLUSH_MILLIS = 50;
  static final long SYNC_MILLIS = 1_000;
  /**
   * How long records wait in the journal for more to ship with them, at most. The ledger pays a
   * commit, a disk sync and code that runs once per batch (too seldom to stay compiled and cached)
   * for every batch, whatever its size: shipped after every flush, a gateway at 2,000 calls/s sent
   * ten small batches a second and its ledger spent several times the CPU per record it spends on
   * the large batches of a saturated one. The records are on disk meanwhile; only the usage
   * queries see them up to this much later.
   */
  static final long SHIP_MILLIS = 500;
  /** Waiting records that ship at once, however recent the last batch: a busy gateway, or a backlog, ships as fast as the ledger stores. */
  static final long SHIP_BYTES = 512 * 1024;
  /** A batch waits for the ledger's commit and disk sync (about 100 ms): big enough to keep up with any gateway. */
  static final int BATCH_RECORDS = 2_000;
  static final int BATCH_BYTES = 2 * 1024 * 1024;
  /** Records waiting for the journal thread; more than this in 50 ms means the disk cannot keep up. */
  static final int QUEUE_LIMIT = 100_000;
  static final long MAX_BACKOFF_MILLIS = 30_000;
  /**
   * Written records kept for shipping by reference: what 150 ms of a saturated gateway writes
   * (50 ms between writes, a batch in flight for about 100 ms), with room to spare; at about 500
   * bytes a record, at most some 2 MB while the ledger cannot store.
   */
  static final int MAX_WRITTEN = 2 * BATCH_RECORDS;
  /** The journal write buffer kept between writes, at most (what 50 ms of a busy gateway's records take, several times). */
  static final int MAX_KEPT_BUFFER_BYTES = 4 * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(UsageShipper.class);

  private final Vertx vertx;
  private final UsageJournal journal;
  private final UnaryOperator<UsageRecord> beforeJournal;
  private final long requestTimeoutMillis;
  private final long shipNanos;
  private final ConcurrentLinkedQueue<UsageRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Counter journaled;
  private final Counter shipped;
  private final Counter droppedFull;
  private final Counter droppedQueue;
  private final Counter droppedFailed;
  private final Thread thread;
  /**
   * Records written to the journal and not yet shipped, and where their lines lie, oldest first, at
   * most {@value #MAX_WRITTEN}: a batch of exactly these lines carries them to a ledger in this JVM,
   * which then need not parse them again ({@link UsageLines}). A batch of other lines (written by an
   * earlier process, sent again after a failure, or beyond this bound) is parsed. Used by the
   * journal thread only, as are the next three fields.
   */
  private final ArrayDeque<Written> written = new ArrayDeque<>();
  private final List<UsageRecord> appending = new ArrayList<>();
  /** Where each record of {@link #appending} ends in the journal buffer. */
  private int[] appendingEnds = new int[256];
  private LineBuffer journalBuffer = new LineBuffer(64 * 1024);
  private volatile boolean running = true;
  /** Closing (set before {@link #running} is cleared): what is left ships at once, without waiting for {@link #SHIP_MILLIS}. */
  private volatile boolean draining;
  private volatile long pendingBytes;
  /** The batch the ledger is storing, its answer once it came (set by a Vert.x thread). */
  private UsageJournal.Batch inFlight;
  private volatile Outcome answer;
  private long retryAtNanos;
  /** When the last batch was sent (System.nanoTime()); the first goes at once. */
  private long lastShipNanos;
  /**
   * How far this process has sent (segment, offset): a batch that starts beyond it was never sent
   * before, so the ledger need not look for its records (at start: the journal's end, since what
   * an earlier process left may have been stored before it died).
   */
  private long[] sentUpTo;
  private long backoffMillis;
  private boolean ledgerDownLogged;

  private enum Outcome { STORED, FAILED }

  private UsageShipper(Vertx vertx, UsageJournal journal, MeterRegistry registry, UnaryOperator<UsageRecord> beforeJournal,
      long requestTimeoutMillis, long shipMillis) {
    this.vertx = vertx;
    this.journal = journal;
    this.beforeJournal = beforeJournal;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.shipNanos = TimeUnit.MILLISECONDS.toNanos(shipMillis);
    this.lastShipNanos = System.nanoTime() - shipNanos;
    this.pendingBytes = journal.pendingBytes();
    this.sentUpTo = journal.end();
    this.journaled = Counter.builder("portcullis.usage.records.journaled")
        .description("Usage records written to the gateway's journal").register(registry);
    this.shipped = Counter.builder("portcullis.usage.records.shipped")
        .description("Usage records the ledger confirmed having stored").register(registry);
    this.droppedFull = dropped(registry, "journal_full");
    this.droppedQueue = dropped(registry, "queue_full");
    this.droppedFailed = dropped(registry, "write_failed");
    Gauge.builder("portcullis.usage.records.queued", queued, AtomicInteger::get)
        .description("Usage records waiting to be journaled").register(registry);
    Gauge.builder("portcullis.usage.journal.pending.bytes", this, shipper -> shipper.pendingBytes)
        .description("Bytes of journaled usage records the ledger has not confirmed yet").baseUnit("bytes")
        .register(registry);
    this.thread = new Thread(this::run, "portcullis-usage-journal");
    this.thread.setDaemon(true);
  }

  private static Counter dropped(MeterRegistry registry, String reason) {
    return Counter.builder("portcullis.usage.records.dropped")
        .description("Usage records lost: the journal was at its bound, the queue was full, or the disk failed")
        .tag("reason", reason).register(registry);
  }

  /**
   * Opens the journal in {@code dir} (at most {@code maxBytes} unconfirmed) and starts shipping.
   *
   * @param beforeJournal applied to each record on the journal's thread before it is written
   *                      (redacts audited bodies, so nothing secret reaches the disk)
   */
  public static UsageShipper start(Vertx vertx, Path dir, long maxBytes, MeterRegistry registry,
      UnaryOperator<UsageRecord> beforeJournal, long requestTimeoutMillis) throws IOException {
    return start(vertx, dir, maxBytes, registry, beforeJournal, requestTimeoutMillis, SHIP_MILLIS);
  }

  /** As above, with records waiting up to {@code shipMillis} for more (tests). */
  static UsageShipper start(Vertx vertx, Path dir, long maxBytes, MeterRegistry registry,
      UnaryOperator<UsageRecord> beforeJournal, long requestTimeoutMillis, long shipMillis) throws IOException {
    BusCodecs.register(vertx);
    UsageShipper shipper = new UsageShipper(vertx, UsageJournal.open(dir, maxBytes), registry, beforeJournal,
        requestTimeoutMillis, shipMillis);
    shipper.thread.start();
    return shipper;
  }

  /** From any thread (an event loop): queues the record for the journal, or counts it dropped. */
  public void offer(UsageRecord record) {
    if (queued.incrementAndGet() > QUEUE_LIMIT || !running) {
      queued.decrementAndGet();
      droppedQueue.increment();
      return;
    }
    queue.add(record);
  }

  private void run() {
    long lastSync = System.nanoTime();
    while (true) {
      boolean stopping = !running;
      writeQueued();
      long now = System.nanoTime();
      if (stopping || now - lastSync >= TimeUnit.MILLISECONDS.toNanos(SYNC_MILLIS)) {
        sync();
        lastSync = now;
      }
      ship(now);
      pendingBytes = journal.pendingBytes();
      if (stopping) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS));
    }
  }

  private void writeQueued() {
    if (queue.isEmpty()) {
      // An idle tick: no generator made (and closed) every 50 ms for nothing.
      return;
    }
    LineBuffer lines = journalBuffer;
    lines.reset();
    appending.clear();
    int count = 0;
    try (UsageRecordLines.Writer writer = new UsageRecordLines.Writer(lines)) {
      for (UsageRecord record; (record = queue.poll()) != null; ) {
        queued.decrementAndGet();
        int before = lines.size();
        UsageRecord redacted;
        try {
          redacted = beforeJournal.apply(record);
          writer.write(redacted);
        } catch (RuntimeException bug) {
          lines.truncate(before);
          LOG.error("A usage record could not be written to the journal", bug);
          droppedFailed.increment();
          continue;
        }
        if (journal.full(lines.size())) {
          lines.truncate(before);
          droppedFull.increment();
          continue;
        }
        count++;
        keepForShipping(redacted, lines.size());
      }
    }
    if (count > 0) {
      try {
        journal.append(lines.bytes(), lines.size());
        journaled.increment(count);
        rememberWritten(lines.size());
      } catch (IOException e) {
        LOG.error("{} usage records could not be written to the journal: {}", count, e.toString());
        droppedFailed.increment(count);
      }
    }
    if (lines.capacity() > MAX_KEPT_BUFFER_BYTES) {
      // A burst's buffer is not kept for the quiet that follows.
      journalBuffer = new LineBuffer(64 * 1024);
    }
  }

  /**
   * Notes a record whose line ends at {@code end} of the journal buffer. An audited record is not
   * kept (its bodies may be large, and the ledger writes such a record again anyway): its line is
   * parsed.
   */
  private void keepForShipping(UsageRecord redacted, int end) {
    int index = appending.size();
    if (index == appendingEnds.length) {
      appendingEnds = Arrays.copyOf(appendingEnds, index * 2);
    }
    appendingEnds[index] = end;
    appending.add(redacted.audit() == null ? redacted : null);
  }

  /** The journal took the buffer's {@code length} bytes: its records' lines now lie there. */
  private void rememberWritten(int length) {
    long segment = journal.writingSegment();
    long base = journal.writingEnd() - length;
    int start = 0;
    for (int i = 0; i < appending.size(); i++) {
      written.addLast(new Written(appending.get(i), segment, base + start, base + appendingEnds[i]));
      start = appendingEnds[i];
    }
    appending.clear();
    while (written.size() > MAX_WRITTEN) {
      written.pollFirst();
    }
    if (appendingEnds.length > MAX_WRITTEN) {
      appendingEnds = new int[256];
    }
  }

  /**
   * The records {@code batch}'s lines were written from, when this process wrote every one of
   * them and still has them; else null (the ledger parses the lines). What lies before the batch
   * is forgotten, and what lies in it once it is matched.
   */
  private List<UsageRecord> writtenFor(UsageJournal.Batch batch) {
    while (!written.isEmpty() && written.peekFirst().endsBefore(batch.startSegment(), batch.startOffset())) {
      written.pollFirst();
    }
    Written first = written.peekFirst();
    if (first == null || first.segment() != batch.startSegment() || first.start() != batch.startOffset()) {
      return null;
    }
    List<UsageRecord> records = new ArrayList<>(batch.records());
    long at = batch.startOffset();
    while (records.size() < batch.records() && !written.isEmpty()) {
      Written next = written.peekFirst();
      if (next.segment() != batch.startSegment() || next.start() != at) {
        return null;
      }
      written.pollFirst();
      records.add(next.record());
      at = next.end();
    }
    return records.size() == batch.records() && at == batch.endOffset() ? records : null;
  }

  /** A record's line in the journal: bytes {@code [start, end)} of a segment, its line end included. */
  private record Written(UsageRecord record, long segment, long start, long end) {

    boolean endsBefore(long otherSegment, long offset) {
      return segment < otherSegment || segment == otherSegment && end <= offset;
    }
  }

  private void sync() {
    try {
      journal.sync();
    } catch (IOException e) {
      LOG.error("The usage journal could not be synced to disk: {}", e.toString());
    }
    try {
      journal.saveCursor();
    } catch (IOException e) {
      // The confirmed batches ship again after a restart; the ledger keeps one of each.
      LOG.error("The usage journal's cursor could not be saved: {}", e.toString());
    }
  }

  private void ship(long now) {
    Outcome outcome = answer;
    if (inFlight != null && outcome != null) {
      answer = null;
      if (outcome == Outcome.STORED) {
        journal.confirm(inFlight);
        shipped.increment(inFlight.records());
        backoffMillis = 0;
        if (ledgerDownLogged) {
          LOG.info("The usage ledger stores records again");
          ledgerDownLogged = false;
        }
      } else {
        backoffMillis = backoffMillis == 0 ? 500 : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        retryAtNanos = now + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
      }
      inFlight = null;
    }
    if (inFlight != null || now < retryAtNanos) {
      return;
    }
    if (!draining && now - lastShipNanos < shipNanos && journal.pendingBytes() < SHIP_BYTES) {
      return;
    }
    Optional<UsageJournal.Batch> next;
    try {
      next = journal.next(BATCH_RECORDS, BATCH_BYTES);
    } catch (IOException e) {
      LOG.error("The usage journal could not be read: {}", e.toString());
      return;
    }
    if (next.isEmpty()) {
      return;
    }
    UsageJournal.Batch batch = next.get();
    lastShipNanos = now;
    // Only where the batch lies is kept for the answer: its text goes to the ledger, which takes
    // it from the message (UsageLines), so no copy of it outlives the parse.
    inFlight = batch.withoutLines();
    UsageLines body = new UsageLines(batch.lines(), writtenFor(batch));
    boolean neverSent = batch.startsAtOrAfter(sentUpTo[0], sentUpTo[1]);
    if (neverSent || batch.endSegment() > sentUpTo[0]
        || batch.endSegment() == sentUpTo[0] && batch.endOffset() > sentUpTo[1]) {
      sentUpTo = new long[] {batch.endSegment(), batch.endOffset()};
    }
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(requestTimeoutMillis);
    if (neverSent) {
      options.addHeader(Addresses.USAGE_NEVER_SENT_HEADER, "true");
    }
    int records = batch.records();
    vertx.eventBus().<JsonObject>request(Addresses.USAGE_RECORDS, body, options)
        .onComplete(ar -> {
          if (ar.failed() && !ledgerDownLogged) {
            ledgerDownLogged = true;
            LOG.warn("The usage ledger did not store {} records ({}); they stay in the journal and are sent again",
                records, ar.cause().getMessage());
          }
          answer = ar.succeeded() ? Outcome.STORED : Outcome.FAILED;
          LockSupport.unpark(thread);
        });
  }

  /**
   * Stops taking records, journals and syncs what is queued, and waits up to {@code waitMillis}
   * for the ledger to confirm what is left (what it does not stays in the journal for the next
   * start).
   */
  public void close(long waitMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    draining = true;
    while (System.nanoTime() < deadline && (!queue.isEmpty() || pendingBytes > 0)) {
      LockSupport.unpark(thread);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      journal.close();
    } catch (IOException e) {
      LOG.warn("The usage journal did not close cleanly: {}", e.toString());
    }
  }

  @Override
  public void close() {
    close(0);
  }
}
