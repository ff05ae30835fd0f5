package dev.portcullis.usage.store;

import dev.portcullis.common.usage.LineBuffer;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecordLines;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stored batch of usage records, one row of {@code usage_batches} (a shipped batch is cut into
 * rows of {@value UsageStore#ROW_RECORDS} records): its records as JSON lines
 * ({@link UsageRecordLines}, without audited bodies, which the audit log keeps under its own
 * retention) compressed in {@code body_deflated} ({@link PackedLines}; rows stored before schema
 * version 5 hold them as text in {@code body}), their costs as a line of their own ({@code 0.000026,,1.5}: the n-th is the n-th
 * record's, empty where no price was known), the span of their times and when they were stored.
 *
 * <p>Why rows of many records: the embedded store spent more CPU and heap on a row per record (its
 * B-tree pages, three indexes) than the gateway spent on the call; a row of 64 costs a fraction.
 * Queries read sums from {@code usage_totals} ({@link UsageRows}) and decode batches only for a
 * range's partial seconds, the export and a batch sent again.
 */
public final class UsageBatches {

  private static final Logger LOG = LoggerFactory.getLogger(UsageBatches.class);

  static final String INSERT = "INSERT INTO usage_batches (first_ms, last_ms, records, recorded_at, body_deflated, costs)"
      + " VALUES (?, ?, ?, ?, ?, ?)";
  /** A row's lines at most, most of the time (64 lines of about 370 bytes): the buffer they are written into. */
  private static final int ROW_BYTES = 32 * 1024;
  /** Batches decoded per statement when a range is read: a few MB at most. */
  private static final int BATCHES_PER_READ = 8;

  private UsageBatches() {}

  /** A record as stored: its cost (null when it had no price) and when the ledger stored it. */
  public record Stored(UsageRecord record, BigDecimal costUsd, long recordedAt) {}

  /**
   * The lines of {@code records}, after what {@code lines} holds: each as it came from the gateway
   * where it says only the record ({@link dev.portcullis.common.usage.RecordLine#storableAsIs}), else as
   * {@link UsageRecordLines#write} writes it, without its audited bodies.
   */
  static void write(List<UsageStore.Priced> records, ByteArrayOutputStream lines) {
    for (UsageStore.Priced priced : records) {
      if (priced.line().storableAsIs()) {
        priced.line().writeTo(lines);
        continue;
      }
      UsageRecord record = priced.record();
      UsageRecordLines.write(record.audit() == null ? record : record.withAudit(null), lines);
    }
  }

  /**
   * The rows of {@code usage_batches} ({@link #INSERT}) for {@code records}, {@code perRow} records
   * each, stored at {@code now}; {@code binary} makes the compressed lines a value of the
   * database's client ({@link dev.portcullis.database.Database#binary}).
   */
  static List<Tuple> rows(List<UsageStore.Priced> records, int perRow, long now, Function<byte[], Object> binary) {
    List<Tuple> rows = new ArrayList<>((records.size() + perRow - 1) / perRow);
    LineBuffer lines = new LineBuffer(ROW_BYTES);
    for (int from = 0; from < records.size(); from += perRow) {
      List<UsageStore.Priced> part = records.subList(from, Math.min(records.size(), from + perRow));
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (UsageStore.Priced priced : part) {
        first = Math.min(first, priced.record().timeMillis());
        last = Math.max(last, priced.record().timeMillis());
      }
      lines.reset();
      write(part, lines);
      // The lines go straight from this buffer into the compressor: no String of them is made.
      rows.add(Tuple.tuple().addLong(first).addLong(last).addInteger(part.size()).addLong(now)
          .addValue(binary.apply(PackedLines.pack(lines.bytes(), lines.size()))).addString(costs(part)));
    }
    return rows;
  }

  /** The costs of {@code records}, in order, comma-separated, empty where unknown. */
  static String costs(List<UsageStore.Priced> records) {
    StringBuilder costs = new StringBuilder(records.size() * 16);
    for (int i = 0; i < records.size(); i++) {
      if (i > 0) {
        costs.append(',');
      }
      BigDecimal cost = records.get(i).costUsd();
      if (cost != null) {
        costs.append(cost.toPlainString());
      }
    }
    return costs.toString();
  }

  /**
   * The records of one stored batch, in the order they were stored, each as {@code usage_records}
   * held one ({@link UsageStore#asStored}: models, limits and policy within their columns).
   */
  public static void decode(String body, String costs, long recordedAt, Consumer<Stored> out) {
    String[] costOf = costs.isEmpty() ? new String[] {""} : costs.split(",", -1);
    int[] index = {0};
    int[] malformed = {0};
    UsageRecordLines.read(body, record -> {
      int at = index[0]++;
      String cost = at < costOf.length ? costOf[at] : "";
      out.accept(new Stored(UsageStore.asStored(record), cost.isEmpty() ? null : new BigDecimal(cost), recordedAt));
    }, () -> malformed[0]++);
    if (malformed[0] > 0 || index[0] != costOf.length) {
      // Never written so (the ledger writes only lines it read); said once per batch, without its content.
      LOG.warn("A stored usage batch has {} records, {} costs and {} unreadable lines", index[0], costOf.length,
          malformed[0]);
    }
  }

  /**
   * The batch a {@link #COLUMNS} row holds: its compressed lines, or (rows stored before schema
   * version 5) its lines as text. A row whose compressed lines do not inflate is skipped and
   * said once, without its content.
   */
  public static void decode(Row row, Consumer<Stored> out) {
    Buffer packed = row.getBuffer(4);
    if (packed == null) {
      decode(row.getString(2), row.getString(3), row.getLong(1), out);
      return;
    }
    Optional<String> lines = PackedLines.unpack(packed.getBytes());
    if (lines.isEmpty()) {
      LOG.warn("A stored usage batch (id {}) could not be inflated; its records are skipped", row.getLong(0));
      return;
    }
    decode(lines.get(), row.getString(3), row.getLong(1), out);
  }

  /** The columns {@link #decode(Row, Consumer)} reads, in its order. */
  public static final String COLUMNS = "id, recorded_at, body, costs, body_deflated";

  /**
   * Every stored record whose time lies in {@code [fromMs, toMs)}, in the order of the batches
   * that hold them, read a few batches at a time.
   */
  public static Future<Void> forEachBetween(UsageQuery sql, long fromMs, long toMs, Consumer<Stored> out) {
    return readAfter(sql, fromMs, toMs, Long.MIN_VALUE, out);
  }

  private static Future<Void> readAfter(UsageQuery sql, long fromMs, long toMs, long afterId, Consumer<Stored> out) {
    if (fromMs >= toMs) {
      return Future.succeededFuture();
    }
    Future<RowSet<Row>> read;
    try {
      read = sql.query("SELECT " + COLUMNS + " FROM usage_batches WHERE last_ms >= ? AND first_ms < ? AND id > ?"
          + " ORDER BY id LIMIT " + BATCHES_PER_READ, Tuple.of(fromMs, toMs, afterId));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return read.compose(rows -> {
      long last = afterId;
      for (Row row : rows) {
        last = row.getLong(0);
        decode(row, stored -> {
          long time = stored.record().timeMillis();
          if (time >= fromMs && time < toMs) {
            out.accept(stored);
          }
        });
      }
      return rows.size() < BATCHES_PER_READ ? Future.succeededFuture() : readAfter(sql, fromMs, toMs, last, out);
    });
  }

  /** The ids of the stored records whose time lies in {@code [fromMs, toMs]}. */
  static Future<List<String>> idsBetween(UsageQuery sql, long fromMs, long toMsInclusive) {
    List<String> ids = new ArrayList<>();
    return forEachBetween(sql, fromMs, toMsInclusive + 1, stored -> ids.add(stored.record().id())).map(ids);
  }
}
