package dev.portcullis.usage.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.database.Database;
import dev.portcullis.usage.store.UsageBatches;
import dev.portcullis.usage.store.UsageStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every usage record a filter matches, written to an HTTP response (chunked) as CSV or JSON lines
 * without holding more than about one page of them, the next page read only once the response's
 * write queue has room again. A client that reads slowly slows the reading down; one that goes
 * away stops it. Between pages no database connection is held.
 *
 * <p>First the records of {@code usage_records} (stored before schema version 4): pages of
 * {@code pageSize} records in {@code (time_ms, id)} order, each read after the last record of the
 * one before (keyset pagination that starts its scan of the time index at that record, so no page
 * costs more than the first). Then those of {@code usage_batches}: a few rows per page, in the
 * order they were stored, each batch's records in the order the gateway recorded them (the order
 * calls ended, about), the filter tested on each decoded record.
 *
 * <p>Each record has every column of {@code usage_records}, plus {@code time} (ISO-8601, UTC) next
 * to {@code timeMs}; {@code limits} (the limit rules that acted on the call) and {@code policy}
 * (what the security policies did to it) came later than the others and are last, so that a reader of the CSV by position is not thrown. An unknown value is
 * empty in CSV and {@code null} in JSON; the cost is an exact decimal string
 * ({@code "0.000008666666"}), never a floating-point number.
 */
public final class UsageExport {

  /** Records per page: about 150 KB of CSV. */
  public static final int PAGE_SIZE = 1_000;

  /** Rows of usage_batches per page: about a thousand records ({@link UsageStore#ROW_RECORDS} a row at most). */
  static final int BATCHES_PER_PAGE = 16;

  /** The most bytes one write to the response carries. */
  private static final int WRITE_PIECE = 16 * 1024;

  private static final String SELECT = "SELECT id, time_ms, llm_proxy_id, caller_kind, caller_id, provider, operation,"
      + " requested_model, answered_model, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens,"
      + " reasoning_tokens, stream, status, outcome, latency_ms, ttfb_ms, cost_usd, recorded_at, limits,"
      + " policy FROM usage_records";

  /** What an exported field holds: text from outside (neutralised in CSV), our own digits, a decimal string, a flag. */
  private enum Kind { TEXT, NUMBER, DECIMAL, BOOLEAN }

  /** The exported fields, in order: the CSV header and the JSON names. */
  static final List<String> FIELDS = List.of("id", "time", "timeMs", "llmProxyId", "callerKind", "callerId",
      "provider", "operation", "requestedModel", "answeredModel", "inputTokens", "outputTokens", "cachedInputTokens",
      "cacheWriteTokens", "reasoningTokens", "stream", "status", "outcome", "latencyMs", "ttfbMs", "costUsd",
      "recordedAtMs", "limits", "policy");

  private static final Kind[] KINDS = {Kind.TEXT, Kind.TEXT, Kind.NUMBER, Kind.TEXT, Kind.TEXT, Kind.TEXT,
      Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.NUMBER, Kind.NUMBER, Kind.NUMBER,
      Kind.NUMBER, Kind.NUMBER, Kind.BOOLEAN, Kind.NUMBER, Kind.TEXT, Kind.NUMBER, Kind.NUMBER, Kind.DECIMAL,
      Kind.NUMBER, Kind.TEXT, Kind.TEXT};

  private static final JsonFactory JSON = new JsonFactoryBuilder().rootValueSeparator((String) null).build();
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final UsageSql sql;
  private final int pageSize;

  public UsageExport(Database db) {
    this(db::query, PAGE_SIZE);
  }

  UsageExport(UsageSql sql, int pageSize) {
    this.sql = sql;
    this.pageSize = pageSize;
  }

  /**
   * Writes the records {@code filter} matches to {@code response}, with its status, content type
   * and {@code Content-Disposition}, once the first page has been read. Completes when the answer
   * has ended or the client has gone; fails with a {@link UsageStoreException} when a page cannot
   * be read: before the head was written (the response is untouched and can still answer 503) or
   * after it (then only resetting the response tells the client the file is incomplete).
   */
  public Future<Void> writeTo(HttpServerResponse response, UsageFilter filter, ExportFormat format) {
    return new Transfer(response, filter, format).start();
  }

  /** {@code usage-2026-12-01-2027-01-01.csv}; times that are not midnight as {@code 2026-12-01T093000Z}. */
  static String fileName(UsageFilter filter, ExportFormat format) {
    return "usage-" + fileTime(filter.from(), "start") + "-" + fileTime(filter.to(), "now") + "." + format.extension();
  }

  private static String fileTime(Instant time, String absent) {
    if (time == null) {
      return absent;
    }
    String full = FILE_TIME.format(time);
    return full.endsWith("T000000Z") ? full.substring(0, full.indexOf('T')) : full;
  }

  /** A page's records (each its fields in {@link #FIELDS} order), and whether it is the last. */
  private record Page(List<Object[]> records, boolean last) {}

  /** One export: reads a page, writes it, waits for room, reads the next. */
  private final class Transfer {

    private final HttpServerResponse response;
    private final UsageFilter filter;
    private final ExportFormat format;
    private final Promise<Void> done = Promise.promise();
    private boolean gone;
    private boolean started;
    /** Where the pages of usage_records are: null before the first; done once one was short. */
    private Cursor after;
    private boolean recordsDone;
    /** The last batch read. */
    private long batchAfter = Long.MIN_VALUE;

    Transfer(HttpServerResponse response, UsageFilter filter, ExportFormat format) {
      this.response = response;
      this.filter = filter;
      this.format = format;
    }

    Future<Void> start() {
      response.closeHandler(closed -> {
        gone = true;
        done.tryComplete();
      });
      page().onComplete(this::read);
      return done.future();
    }

    private void read(AsyncResult<Page> page) {
      if (gone) {
        return;
      }
      if (page.failed()) {
        done.tryFail(new UsageStoreException(page.cause()));
        return;
      }
      try {
        write(page.result());
      } catch (RuntimeException bug) {
        done.tryFail(bug);
      }
    }

    private void write(Page records) {
      Buffer page = Buffer.buffer();
      if (!started && format == ExportFormat.CSV) {
        page.appendString(String.join(",", FIELDS) + Csv.LINE_END);
      }
      page.appendBuffer(format == ExportFormat.CSV ? csv(records.records()) : jsonLines(records.records()));
      if (!started) {
        // Only now, with the first page read and encoded: a failure before this still leaves the
        // response free to answer with an error.
        started = true;
        response.setStatusCode(200)
            .setChunked(true)
            .putHeader("Content-Type", format.contentType())
            .putHeader("Content-Disposition", "attachment; filename=\"" + fileName(filter, format) + "\"")
            .putHeader("Cache-Control", "no-store")
            .putHeader("X-Content-Type-Options", "nosniff");
      }
      // Vert.x counts its write queue in writes (full at 16), not bytes: a page goes out in small
      // pieces, so that a full queue holds a few hundred KB rather than sixteen pages.
      for (int at = 0; at < page.length(); at += WRITE_PIECE) {
        response.write(page.slice(at, Math.min(page.length(), at + WRITE_PIECE)));
      }
      if (records.last()) {
        response.end().onComplete(ended -> done.tryComplete());
        return;
      }
      if (response.writeQueueFull()) {
        response.drainHandler(drained -> {
          response.drainHandler(null);
          next();
        });
      } else {
        next();
      }
    }

    private void next() {
      if (!gone) {
        page().onComplete(this::read);
      }
    }

    /** The next page: of usage_records until one is short, then of usage_batches until none is left. */
    private Future<Page> page() {
      try {
        if (!recordsDone) {
          return recordsPage().map(rows -> {
            List<Object[]> records = new ArrayList<>(rows.size());
            Row last = null;
            for (Row row : rows) {
              records.add(fields(row));
              last = row;
            }
            if (rows.size() < pageSize) {
              recordsDone = true;
            } else {
              after = new Cursor(last.getLong(1), last.getString(0));
            }
            return new Page(records, false);
          });
        }
        Tuple arguments = Tuple.of(batchAfter);
        StringBuilder statement = new StringBuilder("SELECT " + UsageBatches.COLUMNS + " FROM usage_batches WHERE id > ?");
        if (filter.from() != null) {
          statement.append(" AND last_ms >= ?");
          arguments.addLong(filter.from().toEpochMilli());
        }
        if (filter.to() != null) {
          statement.append(" AND first_ms < ?");
          arguments.addLong(filter.to().toEpochMilli());
        }
        statement.append(" ORDER BY id LIMIT ").append(BATCHES_PER_PAGE);
        return sql.query(statement.toString(), arguments).map(rows -> {
          List<Object[]> records = new ArrayList<>();
          for (Row row : rows) {
            batchAfter = row.getLong(0);
            UsageBatches.decode(row, stored -> {
              if (filter.matches(stored.record())) {
                records.add(fields(stored));
              }
            });
          }
          return new Page(records, rows.size() < BATCHES_PER_PAGE);
        });
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }

    /** The page of usage_records after {@link #after} (the first when null). */
    private Future<RowSet<Row>> recordsPage() {
      Tuple arguments = Tuple.tuple();
      String where = "";
      if (after != null) {
        // (time_ms, id) > (?, ?), spelled out (row comparison is not portable) and led by a bound
        // the time index can start at: without it, both databases scan the index from the start of
        // the range up to the cursor again for every page. It comes before the filter's own
        // conditions, so that H2 starts its index scan there rather than at from.
        where = "time_ms >= ? AND (time_ms > ? OR id > ?)";
        arguments.addLong(after.timeMs()).addLong(after.timeMs()).addString(after.id());
      }
      String filtered = filter.where(arguments);
      if (!filtered.isEmpty()) {
        where = where.isEmpty() ? filtered : where + " AND " + filtered;
      }
      return sql.query(SELECT + (where.isEmpty() ? "" : " WHERE " + where) + " ORDER BY time_ms, id LIMIT " + pageSize,
          arguments);
    }
  }

  /** Where the last page ended: its last record's time and id. */
  private record Cursor(long timeMs, String id) {}

  private static Buffer csv(List<Object[]> records) {
    StringBuilder out = new StringBuilder(records.size() * 320);
    for (Object[] values : records) {
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        Object value = values[i];
        if (value == null) {
          continue;
        }
        if (KINDS[i] == Kind.TEXT) {
          Csv.appendText(out, (String) value);
        } else {
          out.append(value);
        }
      }
      out.append(Csv.LINE_END);
    }
    return Buffer.buffer(out.toString());
  }

  private static Buffer jsonLines(List<Object[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(records.size() * 500);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      for (Object[] values : records) {
        json.writeStartObject();
        for (int i = 0; i < values.length; i++) {
          json.writeFieldName(FIELDS.get(i));
          Object value = values[i];
          if (value == null) {
            json.writeNull();
          } else if (KINDS[i] == Kind.NUMBER) {
            json.writeNumber((String) value);
          } else if (KINDS[i] == Kind.BOOLEAN) {
            json.writeBoolean((Boolean) value);
          } else {
            json.writeString((String) value);
          }
        }
        json.writeEndObject();
        json.writeRaw('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  /** A row's fields in {@link #FIELDS} order: text as it is, numbers as their digits, the flag as a Boolean. */
  private static Object[] fields(Row row) {
    Object[] values = new Object[FIELDS.size()];
    long time = row.getLong(1);
    values[0] = row.getString(0);
    values[1] = Instant.ofEpochMilli(time).toString();
    values[2] = Long.toString(time);
    for (int column = 2; column <= 8; column++) {
      values[column + 1] = row.getString(column);
    }
    for (int column = 9; column <= 13; column++) {
      values[column + 1] = integer(row, column);
    }
    values[15] = row.getBoolean(14);
    values[16] = integer(row, 15);
    values[17] = row.getString(16);
    values[18] = decimal(row.getDouble(17));
    values[19] = decimal(row.getDouble(18));
    values[20] = cost(row.getBigDecimal(19));
    values[21] = integer(row, 20);
    values[22] = row.getString(21);
    values[23] = row.getString(22);
    return values;
  }

  /** A stored record's fields, as {@link #fields(Row)} reads its row's. */
  private static Object[] fields(UsageBatches.Stored stored) {
    UsageRecord r = stored.record();
    Object[] values = new Object[FIELDS.size()];
    values[0] = r.id();
    values[1] = Instant.ofEpochMilli(r.timeMillis()).toString();
    values[2] = Long.toString(r.timeMillis());
    values[3] = r.llmProxyId();
    values[4] = r.callerKind().wire();
    values[5] = r.callerId();
    values[6] = r.provider();
    values[7] = r.operation();
    values[8] = r.requestedModel();
    values[9] = r.answeredModel();
    long[] tokens = {r.inputTokens(), r.outputTokens(), r.cachedInputTokens(), r.cacheWriteTokens(),
        r.reasoningTokens()};
    for (int i = 0; i < tokens.length; i++) {
      values[10 + i] = tokens[i] < 0 ? null : Long.toString(tokens[i]);
    }
    values[15] = r.stream();
    values[16] = Integer.toString(r.status());
    values[17] = r.outcome();
    values[18] = decimal(r.latencyMs());
    values[19] = decimal(r.ttfbMs());
    values[20] = cost(stored.costUsd());
    values[21] = Long.toString(stored.recordedAt());
    values[22] = r.limits();
    values[23] = r.policy();
    return values;
  }

  private static String cost(BigDecimal cost) {
    return cost == null ? null : cost.signum() == 0 ? "0" : cost.stripTrailingZeros().toPlainString();
  }

  private static String integer(Row row, int column) {
    Object value = row.getValue(column);
    return value == null ? null : Long.toString(((Number) value).longValue());
  }

  /** A double as plain digits ({@code 12.5}, never {@code 1.0E7}); NaN and infinities are unknown. */
  private static String decimal(Double value) {
    if (value == null || value.isNaN() || value.isInfinite()) {
      return null;
    }
    BigDecimal exact = BigDecimal.valueOf(value);
    return exact.signum() == 0 ? "0" : exact.stripTrailingZeros().toPlainString();
  }
}
