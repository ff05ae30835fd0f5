package dev.portcullis.usage.store;

import dev.portcullis.common.usage.RecordLine;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.database.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Writes usage records, each once: a batch that comes again (the gateway shipped it, the answer
 * was lost, it shipped it again) adds only the records that are not there yet. A batch is rows of
 * {@code usage_batches}, {@value #ROW_RECORDS} records each ({@link UsageBatches}), and its sums per second in {@code usage_totals}
 * ({@link SecondTotals}), written in one transaction; the same SQL on H2 and PostgreSQL.
 *
 * <p>Which records a batch sent again already holds is asked only then (a batch the gateway
 * never sent before holds none): among {@code usage_records}' ids, and in the stored batches whose
 * time span meets the batch's, decoded.
 */
public final class UsageStore {

  /** The {@code policy} column's width. */
  static final int MAX_POLICY = 1024;
  /** The {@code limits} column's width. */
  static final int MAX_LIMITS = 512;
  /** The model columns' width. */
  static final int MAX_MODEL = 256;
  /** Ids asked per statement when looking for records already stored. */
  private static final int IDS_PER_QUERY = 100;
  /**
   * Records per row of {@code usage_batches}. A shipped batch (up to 2,000 records, about 1 MB) as
   * one row kept H2 holding some 150 MB of recent rows' text at saturation (measured: the heap
   * full after each collection, collections back to back); rows of 64 records (about 30 KB) do not,
   * and still cost a tenth of a row per record.
   */
  public static final int ROW_RECORDS = 64;

  private final Database db;
  private final LongSupplier clock;

  public UsageStore(Database db) {
    this(db, System::currentTimeMillis);
  }

  /** @param clock when a batch is stored (epoch millis): its {@code recorded_at} */
  public UsageStore(Database db, LongSupplier clock) {
    this.db = db;
    this.clock = clock;
  }

  public Database database() {
    return db;
  }

  /**
   * A record, as the line it came in ({@link RecordLine}: stored as it came where it can be), and
   * its cost (null when its model has no price).
   */
  public record Priced(RecordLine line, BigDecimal costUsd) {

    /** A record that came in no line of its own: it is written when stored. */
    public Priced(UsageRecord record, BigDecimal costUsd) {
      this(RecordLine.of(record), costUsd);
    }

    public UsageRecord record() {
      return line.record();
    }
  }

  /**
   * Inserts the records not stored yet, in one transaction, and runs {@code alsoInTransaction}
   * with the new ones before it commits (the audit log's rows go in with their records, or
   * neither does). Answers the records that were new.
   */
  public Future<List<Priced>> insertNew(List<Priced> batch, AlsoInTransaction alsoInTransaction) {
    return insertNew(batch, false, alsoInTransaction);
  }

  /**
   * @param knownNew none of the batch can be stored already (its sender never sent it before): the
   *                 look for existing ids is skipped
   */
  public Future<List<Priced>> insertNew(List<Priced> batch, boolean knownNew, AlsoInTransaction alsoInTransaction) {
    return insertNew(batch, knownNew, alsoInTransaction, fresh -> fresh);
  }

  /**
   * As {@link #insertNew(List, boolean, AlsoInTransaction)}, answering what {@code whenCommitted}
   * makes of the new records once they are committed. On the embedded store the answer then
   * waits for their disk sync (about 100 ms at most); only what
   * {@code whenCommitted} answered is kept for that wait, not the records: a saturated gateway
   * ships 2,000 of them at a time, and records kept that long outlive young collections, which
   * then copy them (on one core, time every call waits for).
   */
  public <T> Future<T> insertNew(List<Priced> batch, boolean knownNew,
      AlsoInTransaction alsoInTransaction, Function<List<Priced>, T> whenCommitted) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(whenCommitted.apply(List.of()));
    }
    Map<String, Priced> byId = new LinkedHashMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (Priced priced : batch) {
      byId.putIfAbsent(priced.record().id(), priced);
      first = Math.min(first, priced.record().timeMillis());
      last = Math.max(last, priced.record().timeMillis());
    }
    long firstMs = first;
    long lastMs = last;
    return db.inTransaction(conn -> (knownNew ? Future.succeededFuture((Set<String>) new HashSet<String>())
        : existing(conn, new ArrayList<>(byId.keySet()), firstMs, lastMs)).compose(existing -> {
      List<Priced> fresh = new ArrayList<>(byId.size());
      for (Priced priced : byId.values()) {
        if (!existing.contains(priced.record().id())) {
          fresh.add(priced);
        }
      }
      if (fresh.isEmpty()) {
        return Future.succeededFuture(fresh);
      }
      return conn.preparedQuery(db.dialect(UsageBatches.INSERT)).executeBatch(UsageBatches.rows(fresh, ROW_RECORDS,
              clock.getAsLong(), db::binary))
          .compose(done -> conn.preparedQuery(db.dialect(SecondTotals.INSERT)).executeBatch(SecondTotals.rows(fresh)))
          .compose(done -> alsoInTransaction.run(conn, fresh))
          .map(done -> fresh);
    })).compose(fresh -> {
      T committed = whenCommitted.apply(fresh);
      // The gateway forgets a batch once this answers: it must survive a kill of this process.
      return fresh.isEmpty() ? Future.succeededFuture(committed) : db.flushCommitted().map(committed);
    });
  }

  /** Work that must commit or roll back with the records. */
  @FunctionalInterface
  public interface AlsoInTransaction {
    AlsoInTransaction NOTHING = (conn, records) -> Future.succeededFuture();

    Future<?> run(SqlConnection conn, List<Priced> fresh);
  }

  /** The ids among {@code ids} stored already: in {@code usage_records}, or in a batch that may hold them. */
  private Future<Set<String>> existing(SqlConnection conn, List<String> ids, long firstMs, long lastMs) {
    Set<String> found = new HashSet<>();
    return storedRecords(conn, ids, 0, found)
        .compose(done -> UsageBatches.idsBetween((sql, arguments) -> db.query(conn, sql, arguments), firstMs, lastMs))
        .map(batched -> {
          // Ids of the span's other records too: only the batch's own are ever looked up in it.
          found.addAll(batched);
          return found;
        });
  }

  private Future<Set<String>> storedRecords(SqlConnection conn, List<String> ids, int from, Set<String> found) {
    if (from >= ids.size()) {
      return Future.succeededFuture(found);
    }
    List<String> slice = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
    String marks = String.join(", ", java.util.Collections.nCopies(slice.size(), "?"));
    return db.query(conn, "SELECT id FROM usage_records WHERE id IN (" + marks + ")", Tuple.from(new ArrayList<>(slice)))
        .compose(rows -> {
          for (Row row : rows) {
            found.add(row.getString(0));
          }
          return storedRecords(conn, ids, from + IDS_PER_QUERY, found);
        });
  }

  /**
   * The record as {@code usage_records} held it: models, limit rules and policy cut to their
   * columns' widths (they come from clients and are never refused for their length), no audited
   * bodies.
   */
  public static UsageRecord asStored(UsageRecord r) {
    String requested = cut(r.requestedModel());
    String answered = cut(r.answeredModel());
    String limits = limits(r.limits());
    String policy = r.policy() == null || r.policy().length() <= MAX_POLICY ? r.policy()
        : r.policy().substring(0, MAX_POLICY);
    if (requested == r.requestedModel() && answered == r.answeredModel() && limits == r.limits()
        && policy == r.policy() && r.audit() == null) {
      return r;
    }
    return new UsageRecord(r.id(), r.timeMillis(), r.llmProxyId(), r.callerKind(), r.callerId(), r.provider(),
        r.operation(), requested, answered, r.inputTokens(), r.outputTokens(), r.cachedInputTokens(),
        r.cacheWriteTokens(), r.reasoningTokens(), r.stream(), r.status(), r.outcome(), r.latencyMs(), r.ttfbMs(),
        null, limits, policy);
  }

  /**
   * The limit rules that acted on a call, within the column: a call over more soft rules than fit
   * keeps the ids that fit whole, never a cut one, and is never refused for it.
   */
  static String limits(String limits) {
    if (limits == null || limits.length() <= MAX_LIMITS) {
      return limits;
    }
    int lastWhole = limits.lastIndexOf(',', MAX_LIMITS);
    return limits.substring(0, lastWhole > 0 ? lastWhole : MAX_LIMITS);
  }

  /** Model names come from clients: kept within the column, never refused for their length. */
  static String cut(String model) {
    return model == null || model.length() <= MAX_MODEL ? model : model.substring(0, MAX_MODEL);
  }
}
