package dev.portcullis.usage.audit;

import dev.portcullis.database.Database;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log in the ledger's database ({@link AuditMigrations}), written by one writer: this
 * ledger instance, which numbers its rows and links each to the one before ({@link AuditChain}).
 * Several writers may share the database (several ledgers on one PostgreSQL); each has its own
 * chain, and verification, export and retention cover them all.
 *
 * <p>The writer's last seq and hash are kept in memory, read from the database when the store
 * opens (a writer id that was used before goes on with its chain), and again after a failed
 * batch, whose rows may or may not have been committed. Batches are appended one after the
 * other, each in one transaction. Two live processes must not share a writer id: the second's
 * rows would collide with the first's on the primary key (writer_id, seq) and fail.
 *
 * <p>Verification and export read the rows in pages in (writer, seq) order (keyset, never the
 * whole table; a page holds up to {@value #PAGE_BUDGET_CHARS} characters of bodies, and at most
 * {@value #MAX_PAGE} rows), within one transaction: on PostgreSQL a repeatable-read snapshot, so
 * that a purge by another instance is never seen half done; within this store, purges,
 * verifications and exports run one at a time (H2 is only ever opened by one process).
 */
public final class AuditStore {

  static final int MAX_PAGE = 256;
  static final int FIRST_PAGE = 16;
  static final long PAGE_BUDGET_CHARS = 4_000_000;
  /** Rows removed per transaction by retention (the anchor moves with each). */
  static final int PURGE_CHUNK = 5_000;
  /** The most rows {@link #recordsOfRequest} answers. */
  static final int MAX_ROWS_PER_REQUEST = 100;
  /** The export's first line names its format; its layout is the one the offline verifier reads. */
  public static final String EXPORT_FORMAT = "portcullis-audit-export";
  public static final int EXPORT_VERSION = 1;

  static final String COLUMNS = "writer_id, seq, request_id, time_ms, llm_proxy_id, caller_kind, caller_id, provider,"
      + " operation, model, status, outcome, level, request_body, response_body, truncated, prev_hash, hash";
  private static final String INSERT = "INSERT INTO audit_records (" + COLUMNS + ")"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String FIRST_ROWS = "SELECT " + COLUMNS + " FROM audit_records ORDER BY writer_id, seq LIMIT ?";
  private static final String NEXT_ROWS = "SELECT " + COLUMNS + " FROM audit_records"
      + " WHERE (writer_id, seq) > (?, ?) ORDER BY writer_id, seq LIMIT ?";
  private static final String WRITER_ROWS = "SELECT " + COLUMNS + " FROM audit_records"
      + " WHERE writer_id = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?";

  private static final Logger LOG = LoggerFactory.getLogger(AuditStore.class);

  private record Head(long seq, String hash) {}

  private final Database db;
  private final String writerId;
  private final Object lock = new Object();
  /** The last batch's append: the next one starts when it is done. Guarded by {@link #lock}. */
  private Future<?> appends = Future.succeededFuture();
  /** The last purge, verification or export. Guarded by {@link #lock}. */
  private Future<?> maintenance = Future.succeededFuture();
  /** This writer's last row; null when it must be read again from the database. */
  private volatile Head head;
  /** Where the head goes if the caller's transaction of {@link #appendWithin} commits. */
  private volatile Head pending;

  private AuditStore(Database db, String writerId) {
    this.db = db;
    this.writerId = writerId;
  }

  /** A new writer id (a random UUID): one per ledger instance, for as long as it runs or longer. */
  public static String newWriterId() {
    return UUID.randomUUID().toString();
  }

  /**
   * Brings the schema up to date and opens the log for {@code writerId} (at most 64 characters),
   * going on with its chain if it has rows already. The database stays the caller's to close.
   */
  public static Future<AuditStore> open(Database db, String writerId) {
    if (writerId == null || writerId.isBlank() || writerId.length() > 64) {
      return Future.failedFuture(new IllegalArgumentException("a writer id is 1 to 64 characters"));
    }
    AuditStore store = new AuditStore(db, writerId);
    return AuditMigrations.migrate(db).compose(version -> store.loadHead()).map(loaded -> store);
  }

  public String writerId() {
    return writerId;
  }

  /**
   * Appends the entries, in order, as this writer's next rows, in one transaction; answers the
   * rows as stored. Batches are chained: each waits for the one before.
   */
  public Future<List<AuditRecord>> append(List<AuditEntry> entries) {
    List<AuditEntry> batch = List.copyOf(entries);
    synchronized (lock) {
      Future<List<AuditRecord>> done = appends.transform(previous -> appendNow(batch));
      appends = done;
      return done;
    }
  }

  private Future<List<AuditRecord>> appendNow(List<AuditEntry> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return currentHead().compose(start -> {
      List<AuditRecord> rows = link(start, batch);
      AuditRecord last = rows.get(rows.size() - 1);
      return db.inTransaction(conn -> insert(conn, rows))
          .<List<AuditRecord>>map(inserted -> {
            head = new Head(last.seq(), last.hash());
            return rows;
          })
          .onFailure(failure -> head = null);
    });
  }

  /**
   * Appends within the caller's transaction, so that the rows commit or roll back with what the
   * caller writes in it (the ledger's usage records: an audit row exists exactly when its record
   * does). The caller runs one such transaction at a time and reports how it ended with
   * {@link #ended}; until then this writer's head is not moved.
   */
  public Future<List<AuditRecord>> appendWithin(SqlConnection conn, List<AuditEntry> entries) {
    List<AuditEntry> batch = List.copyOf(entries);
    if (batch.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return currentHead().compose(start -> {
      List<AuditRecord> rows = link(start, batch);
      AuditRecord last = rows.get(rows.size() - 1);
      pending = new Head(last.seq(), last.hash());
      return insert(conn, rows).map(inserted -> rows);
    });
  }

  /** The transaction of the last {@link #appendWithin} ended: committed, or not (the head is read again). */
  public void ended(boolean committed) {
    head = committed && pending != null ? pending : committed ? head : null;
    pending = null;
  }

  private Future<Head> currentHead() {
    Head known = head;
    return known != null ? Future.succeededFuture(known) : loadHead();
  }

  /** The batch as this writer's next rows after {@code start}, each carrying the hash before it. */
  private List<AuditRecord> link(Head start, List<AuditEntry> batch) {
    List<AuditRecord> rows = new ArrayList<>(batch.size());
    String prev = start.hash();
    long seq = start.seq();
    for (AuditEntry entry : batch) {
      AuditRecord row = AuditChain.link(writerId, ++seq, entry, prev);
      rows.add(row);
      prev = row.hash();
    }
    return List.copyOf(rows);
  }

  private Future<?> insert(SqlConnection conn, List<AuditRecord> rows) {
    List<Tuple> tuples = new ArrayList<>(rows.size());
    rows.forEach(row -> tuples.add(tuple(row)));
    return conn.preparedQuery(db.dialect(INSERT)).executeBatch(tuples);
  }

  private Future<Head> loadHead() {
    return db.query("SELECT seq, hash FROM audit_records WHERE writer_id = ? ORDER BY seq DESC LIMIT 1",
            Tuple.of(writerId))
        .compose(rows -> {
          if (rows.size() > 0) {
            Row row = rows.iterator().next();
            return Future.succeededFuture(new Head(row.getLong(0), row.getString(1)));
          }
          return db.query("SELECT seq, hash FROM audit_anchors WHERE writer_id = ?", Tuple.of(writerId))
              .map(anchors -> {
                if (anchors.size() == 0) {
                  return new Head(0, AuditChain.GENESIS);
                }
                Row anchor = anchors.iterator().next();
                return new Head(anchor.getLong(0), anchor.getString(1));
              });
        })
        .onSuccess(loaded -> head = loaded);
  }

  /**
   * Checks every writer's chain from its anchor (or its start) to its last row, and this writer's
   * up to the last row it appended (so that its deleted last rows are found too).
   */
  public Future<AuditReport> verify() {
    return exclusive(() -> {
      Head own = head;
      ChainCheck check = new ChainCheck();
      return snapshot(conn -> anchors(conn).compose(anchors -> {
            anchors.forEach(check::anchor);
            return scan(conn, page -> {
              page.forEach(check::record);
              return Future.succeededFuture();
            });
          }))
          .map(scanned -> {
            if (own != null) {
              check.expectHead(writerId, own.seq());
            }
            return check.report();
          });
    });
  }

  /**
   * Writes the whole log as JSON lines: a header, the anchors, every row in (writer, seq) order,
   * and an end line with the counts (so that an export cut short is told from a whole one). Each
   * page is one write, and the next page is read once it is written (backpressure). The stream is
   * not ended: the caller ends it. Answers the number of rows written.
   */
  public Future<Long> export(WriteStream<Buffer> out) {
    return exclusive(() -> snapshot(conn -> anchors(conn).compose(anchors -> {
      // Nothing is written before the first query answered: a database that is down is an error
      // the caller can still answer as such.
      long[] records = {0};
      Buffer start = line(new JsonObject().put("type", "header").put("format", EXPORT_FORMAT)
          .put("version", EXPORT_VERSION).put("hashLayout", new String(AuditChain.VERSION, StandardCharsets.US_ASCII))
          .put("exportedAt", System.currentTimeMillis()));
      anchors.forEach(anchor -> start.appendBuffer(line(anchor.toJson())));
      return out.write(start)
          .compose(written -> scan(conn, page -> {
            Buffer lines = Buffer.buffer();
            page.forEach(row -> lines.appendBuffer(line(row.toJson())));
            records[0] += page.size();
            return out.write(lines);
          }))
          .compose(scanned -> out.write(line(new JsonObject().put("type", "end").put("records", records[0])
              .put("anchors", anchors.size()))))
          .map(written -> records[0]);
    })));
  }

  /** The rows of one call (normally one), bodies included, at most {@value #MAX_ROWS_PER_REQUEST}. */
  public Future<List<AuditRecord>> recordsOfRequest(String requestId) {
    return db.query("SELECT " + COLUMNS + " FROM audit_records WHERE request_id = ? ORDER BY writer_id, seq LIMIT ?",
            Tuple.of(requestId, (long) MAX_ROWS_PER_REQUEST))
        .map(rows -> {
          List<AuditRecord> found = new ArrayList<>();
          rows.forEach(row -> found.add(record(row)));
          return found;
        });
  }

  /**
   * Retention: removes, for every writer, the rows older than {@code cutoffMillis} that start its
   * chain, and moves its anchor to the last one removed, in the same transaction (chunks of
   * {@value #PURGE_CHUNK} rows, one transaction each). Only a prefix of a chain is ever removed:
   * a row waits until every earlier row of its writer is old enough too (records may arrive out of
   * time order).
   *
   * <p>What is removed is verified first, from the anchor to the first row kept: a chunk that
   * does not verify is kept, and so is the rest of that writer's chain (an ERROR names the break),
   * so retention never deletes the evidence of tampering nor moves an anchor past it. Answers how
   * many rows were removed.
   */
  public Future<Long> purgeOlderThan(long cutoffMillis) {
    return exclusive(() -> db.query("SELECT writer_id, MIN(seq), MAX(seq) FROM audit_records GROUP BY writer_id",
            Tuple.tuple())
        .compose(writers -> db.query("SELECT writer_id, MIN(seq) FROM audit_records WHERE time_ms >= ? GROUP BY writer_id",
                Tuple.of(cutoffMillis))
            .compose(recent -> {
              Map<String, Long> firstKept = new HashMap<>();
              recent.forEach(row -> firstKept.put(row.getString(0), row.getLong(1)));
              Future<Long> removed = Future.succeededFuture(0L);
              for (Row writer : writers) {
                String id = writer.getString(0);
                long first = writer.getLong(1);
                long last = firstKept.containsKey(id) ? firstKept.get(id) - 1 : writer.getLong(2);
                if (last >= first) {
                  removed = removed.compose(sum -> purgeWriter(id, first, last).map(count -> sum + count));
                }
              }
              return removed;
            })));
  }

  /** Removes the writer's rows {@code from..last} a chunk at a time; stops at a chunk that does not verify. */
  private Future<Long> purgeWriter(String writer, long from, long last) {
    long upTo = Math.min(last, from + PURGE_CHUNK - 1);
    return db.inTransaction(conn -> db.query(conn, "SELECT writer_id, seq, hash FROM audit_anchors WHERE writer_id = ?",
                Tuple.of(writer))
            .compose(anchors -> {
              ChainCheck check = new ChainCheck();
              anchors.forEach(row -> check.anchor(new AuditAnchor(row.getString(0), row.getLong(1), row.getString(2))));
              AuditRecord[] lastRemoved = {null};
              // The chunk and the row after it: its link to the last row removed is checked too.
              return pages(writerRows(conn, writer, from, upTo + 1), page -> {
                    for (AuditRecord row : page) {
                      check.record(row);
                      if (row.seq() <= upTo) {
                        lastRemoved[0] = row;
                      }
                    }
                    return Future.succeededFuture();
                  })
                  .compose(checked -> {
                    AuditReport report = check.report();
                    if (!report.intact()) {
                      LOG.error("Audit log retention keeps writer {}'s rows from seq {} on: they do not verify ({})",
                          writer, from, report.firstBreak().describe());
                      return Future.succeededFuture(-1L);
                    }
                    AuditRecord anchor = lastRemoved[0];
                    if (anchor == null) {
                      return Future.succeededFuture(0L);
                    }
                    return db.query(conn, "DELETE FROM audit_records WHERE writer_id = ? AND seq <= ?",
                            Tuple.of(writer, anchor.seq()))
                        .compose(deleted -> moveAnchor(conn, writer, anchor.seq(), anchor.hash())
                            .map(moved -> (long) deleted.rowCount()));
                  });
            }))
        .compose(count -> count < 0 ? Future.succeededFuture(0L)
            : upTo >= last ? Future.succeededFuture(count)
            : purgeWriter(writer, upTo + 1, last).map(more -> count + more));
  }

  private Future<Void> moveAnchor(SqlConnection conn, String writer, long seq, String hash) {
    long now = System.currentTimeMillis();
    return db.query(conn, "UPDATE audit_anchors SET seq = ?, hash = ?, moved_at = ? WHERE writer_id = ?",
            Tuple.of(seq, hash, now, writer))
        .compose(updated -> updated.rowCount() > 0 ? Future.succeededFuture()
            : db.query(conn, "INSERT INTO audit_anchors (writer_id, seq, hash, moved_at) VALUES (?, ?, ?, ?)",
                Tuple.of(writer, seq, hash, now)).mapEmpty());
  }

  // ---- reading ----

  private Future<List<AuditAnchor>> anchors(SqlConnection conn) {
    return db.query(conn, "SELECT writer_id, seq, hash FROM audit_anchors ORDER BY writer_id", Tuple.tuple())
        .map(rows -> {
          List<AuditAnchor> anchors = new ArrayList<>();
          rows.forEach(row -> anchors.add(new AuditAnchor(row.getString(0), row.getLong(1), row.getString(2))));
          return anchors;
        });
  }

  /** Reads the page of {@code size} rows after {@code after} (null: the first page). */
  private interface PageQuery {
    Future<RowSet<Row>> rows(AuditRecord after, int size);
  }

  /** Every row in (writer, seq) order, a page at a time; the next page is read once {@code perPage} is done. */
  private Future<Void> scan(SqlConnection conn, Function<List<AuditRecord>, Future<Void>> perPage) {
    return pages((after, size) -> after == null
        ? db.query(conn, FIRST_ROWS, Tuple.of((long) size))
        : db.query(conn, NEXT_ROWS, Tuple.of(after.writerId(), after.seq(), (long) size)), perPage);
  }

  /** One writer's rows {@code from..to} in seq order. */
  private PageQuery writerRows(SqlConnection conn, String writer, long from, long to) {
    return (after, size) -> db.query(conn, WRITER_ROWS,
        Tuple.of(writer, after == null ? from : after.seq() + 1, to, (long) size));
  }

  private Future<Void> pages(PageQuery query, Function<List<AuditRecord>, Future<Void>> perPage) {
    return page(query, null, FIRST_PAGE, perPage);
  }

  private Future<Void> page(PageQuery query, AuditRecord after, int size,
      Function<List<AuditRecord>, Future<Void>> perPage) {
    return query.rows(after, size).compose(found -> {
      List<AuditRecord> page = new ArrayList<>(found.size());
      long chars = 0;
      for (Row row : found) {
        AuditRecord record = record(row);
        page.add(record);
        chars += length(record.entry().requestBody()) + length(record.entry().responseBody());
      }
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      AuditRecord last = page.get(page.size() - 1);
      int next = nextPageSize(page.size(), chars);
      return perPage.apply(page).compose(done -> page.size() < size ? Future.succeededFuture()
          : page(query, last, next, perPage));
    });
  }

  /** As many rows as the budget holds at this page's mean size, 1 to {@value #MAX_PAGE}. */
  static int nextPageSize(int rows, long bodyChars) {
    long perRow = Math.max(1, bodyChars / rows);
    return (int) Math.max(1, Math.min(MAX_PAGE, PAGE_BUDGET_CHARS / perRow));
  }

  private static int length(String text) {
    return text == null ? 0 : text.length();
  }

  private static Buffer line(JsonObject json) {
    return json.toBuffer().appendByte((byte) '\n');
  }

  private static Tuple tuple(AuditRecord row) {
    AuditEntry entry = row.entry();
    return Tuple.tuple()
        .addString(row.writerId())
        .addLong(row.seq())
        .addString(entry.requestId())
        .addLong(entry.timeMillis())
        .addString(entry.llmProxyId())
        .addString(entry.callerKind())
        .addString(entry.callerId())
        .addString(entry.provider())
        .addString(entry.operation())
        .addString(entry.model())
        .addInteger(entry.status())
        .addString(entry.outcome())
        .addString(entry.level())
        .addString(entry.requestBody())
        .addString(entry.responseBody())
        .addBoolean(entry.truncated())
        .addString(row.prevHash())
        .addString(row.hash());
  }

  private static AuditRecord record(Row row) {
    AuditEntry entry = new AuditEntry(row.getString(2), row.getLong(3), row.getString(4), row.getString(5),
        row.getString(6), row.getString(7), row.getString(8), row.getString(9), row.getInteger(10),
        row.getString(11), row.getString(12), row.getString(13), row.getString(14), row.getBoolean(15));
    return new AuditRecord(row.getString(0), row.getLong(1), entry, row.getString(16), row.getString(17));
  }

  // ---- one at a time ----

  /** Runs {@code work} after the previous purge, verification or export of this store is done. */
  private <T> Future<T> exclusive(Supplier<Future<T>> work) {
    synchronized (lock) {
      Future<T> done = maintenance.transform(previous -> work.get());
      maintenance = done;
      return done;
    }
  }

  /** One transaction that sees one state of the tables throughout (PostgreSQL: repeatable read). */
  private <T> Future<T> snapshot(Function<SqlConnection, Future<T>> work) {
    return db.inTransaction(conn -> (db.postgres()
        ? db.update(conn, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").<Void>mapEmpty()
        : Future.<Void>succeededFuture())
        .compose(isolated -> work.apply(conn)));
  }
}
