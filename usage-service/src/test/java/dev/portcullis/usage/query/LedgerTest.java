package dev.portcullis.usage.query;

import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import dev.portcullis.database.Database;
import dev.portcullis.usage.store.UsageStore;
import dev.portcullis.usage.store.UsageStore.AlsoInTransaction;
import dev.portcullis.usage.store.UsageStore.Priced;
import dev.portcullis.usage.store.UsageMigrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A migrated, empty usage ledger for each test, on the database a subclass opens (embedded H2 or
 * a real PostgreSQL), fixture records stored as the subclass's {@link Storage} says, and a
 * {@link UsageSql} that records every statement the queries run.
 */
abstract class LedgerTest {

  protected Vertx vertx;
  protected Database db;
  /** Every statement run through {@link #sql}, in order, and its arguments. */
  protected final List<String> statements = new CopyOnWriteArrayList<>();
  protected final List<Tuple> arguments = new CopyOnWriteArrayList<>();
  /** The database as the queries see it, recording statements. */
  protected final UsageSql sql = (statement, values) -> {
    statements.add(statement);
    arguments.add(values);
    return db.query(statement, values);
  };

  /** Opens the database; PostgreSQL subclasses also empty it. */
  protected abstract Database openDatabase(Vertx vertx) throws Exception;

  @BeforeEach
  void openLedger() throws Exception {
    vertx = Vertx.vertx();
    db = openDatabase(vertx);
    UsageMigrations.migrate(db).await();
  }

  @AfterEach
  void closeLedger() {
    db.close().await();
    vertx.close().await();
  }

  /** One record to insert: sensible defaults, changed by the fluent setters. */
  static final class Rec {
    String id;
    long timeMs = Instant.parse("2026-12-02T09:15:00Z").toEpochMilli();
    String proxy = "proxy-1";
    String callerKind = "virtual_key";
    String callerId = "vk-1";
    String provider = "openai";
    String operation = "chat.completions";
    String requestedModel = "gpt-4o-mini";
    String answeredModel = null;
    Long input;
    Long output;
    Long cached;
    Long cacheWrite;
    Long reasoning;
    boolean stream;
    int status = 200;
    String outcome = "ok";
    double latencyMs = 120.5;
    Double ttfbMs;
    BigDecimal cost;
    String limits;
    String policy;
    long recordedAt = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();

    Rec(String id) {
      this.id = id;
    }

    Rec at(String instant) {
      timeMs = Instant.parse(instant).toEpochMilli();
      return this;
    }

    Rec atMs(long ms) {
      timeMs = ms;
      return this;
    }

    Rec proxy(String id) {
      proxy = id;
      return this;
    }

    Rec caller(String kind, String id) {
      callerKind = kind;
      callerId = id;
      return this;
    }

    Rec provider(String name) {
      provider = name;
      return this;
    }

    Rec models(String requested, String answered) {
      requestedModel = requested;
      answeredModel = answered;
      return this;
    }

    Rec tokens(Long in, Long out) {
      input = in;
      output = out;
      return this;
    }

    Rec detail(Long cachedInput, Long cacheWriteTokens, Long reasoningTokens) {
      cached = cachedInput;
      cacheWrite = cacheWriteTokens;
      reasoning = reasoningTokens;
      return this;
    }

    Rec cost(String usd) {
      cost = usd == null ? null : new BigDecimal(usd);
      return this;
    }

    Rec operation(String name) {
      operation = name;
      return this;
    }

    Rec outcome(String text) {
      outcome = text;
      return this;
    }

    Rec limits(String acted) {
      limits = acted;
      return this;
    }

    Rec policy(String did) {
      policy = did;
      return this;
    }

    Rec timing(boolean streamed, double latency, Double ttfb) {
      stream = streamed;
      latencyMs = latency;
      ttfbMs = ttfb;
      return this;
    }

    /** The record as a gateway would have sent it, with its cost. */
    Priced priced() {
      return new Priced(new UsageRecord(id, timeMs, proxy, CallerKind.ofWire(callerKind), callerId, provider, operation,
          requestedModel, answeredModel, orNone(input), orNone(output), orNone(cached), orNone(cacheWrite),
          orNone(reasoning), stream, status, outcome, latencyMs, ttfbMs, null, limits, policy), cost);
    }

    private static long orNone(Long count) {
      return count == null ? -1 : count;
    }

    Tuple tuple() {
      return Tuple.from(Arrays.asList(id, timeMs, proxy, callerKind, callerId, provider, operation, requestedModel,
          answeredModel, input, output, cached, cacheWrite, reasoning, stream, status, outcome, latencyMs, ttfbMs,
          cost, recordedAt, limits, policy));
    }
  }

  static Rec rec(String id) {
    return new Rec(id);
  }

  static final String INSERT = "INSERT INTO usage_records (id, time_ms, llm_proxy_id, caller_kind, caller_id,"
      + " provider, operation, requested_model, answered_model, input_tokens, output_tokens, cached_input_tokens,"
      + " cache_write_tokens, reasoning_tokens, stream, status, outcome, latency_ms, ttfb_ms, cost_usd, recorded_at,"
      + " limits, policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  protected void insert(Rec... records) {
    insert(List.of(records));
  }

  /**
   * Where fixture records go: a row each in {@code usage_records}, as versions before schema 4
   * stored them, or through {@link UsageStore} into {@code usage_batches} and {@code usage_totals}
   * (batches of at most {@value #BATCH} records), or alternately one and the other.
   */
  enum Storage { RECORDS, BATCHES, BOTH }

  static final int BATCH = 2_000;

  /** The storage this test class's fixtures use. */
  protected Storage storage() {
    return Storage.RECORDS;
  }

  /** The order an export gives {@code inserted}: by time and id from usage_records, as stored from batches. */
  protected List<String> exportOrder(List<String> inserted) {
    List<String> ordered = new ArrayList<>(inserted);
    if (storage() == Storage.RECORDS) {
      java.util.Collections.sort(ordered);
    }
    return ordered;
  }

  protected void insert(List<Rec> records) {
    switch (storage()) {
      case RECORDS -> insertRows(records);
      case BATCHES -> insertBatches(records);
      case BOTH -> {
        List<Rec> rows = new ArrayList<>();
        List<Rec> batched = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
          (i % 2 == 0 ? rows : batched).add(records.get(i));
        }
        insertRows(rows);
        insertBatches(batched);
      }
    }
  }

  protected void insertBatches(List<Rec> records) {
    for (int start = 0; start < records.size(); ) {
      // A batch is stored at one time: records recorded at another go into the next.
      long recordedAt = records.get(start).recordedAt;
      int end = start;
      while (end < records.size() && end - start < BATCH && records.get(end).recordedAt == recordedAt) {
        end++;
      }
      List<Priced> batch = records.subList(start, end).stream().map(Rec::priced).toList();
      new UsageStore(db, () -> recordedAt).insertNew(batch, true, AlsoInTransaction.NOTHING).await();
      start = end;
    }
  }

  protected void insertRows(List<Rec> records) {
    for (int start = 0; start < records.size(); start += 5_000) {
      List<Tuple> batch = new ArrayList<>();
      for (Rec record : records.subList(start, Math.min(records.size(), start + 5_000))) {
        batch.add(record.tuple());
      }
      db.inTransaction(conn -> conn.preparedQuery(db.dialect(INSERT)).executeBatch(batch)).await();
    }
  }

  /** The calls stored, in {@code usage_records} and in batches. */
  protected long count() {
    RowSet<Row> rows = db.query("SELECT (SELECT COUNT(*) FROM usage_records),"
        + " (SELECT COALESCE(SUM(records), 0) FROM usage_batches)", Tuple.tuple()).await();
    Row row = rows.iterator().next();
    return ((Number) row.getValue(0)).longValue() + ((Number) row.getValue(1)).longValue();
  }

  protected static Future<RowSet<Row>> failing(String statement, Tuple arguments) {
    return Future.failedFuture(new IllegalStateException("relation \"usage_records\" broke at SELECT secret_column"));
  }
}
