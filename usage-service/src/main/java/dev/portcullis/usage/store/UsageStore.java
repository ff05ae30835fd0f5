package dev.portcullis.usage.store;

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

/**
 * Writes usage records, each once: a batch that comes again (the gateway shipped it, the answer
 * was lost, it shipped it again) adds only the records that are not there yet. The same SQL on H2
 * and PostgreSQL: which ids exist is asked first, in the transaction that inserts the others.
 */
public final class UsageStore {

  private static final String INSERT = "INSERT INTO usage_records (id, time_ms, llm_proxy_id, caller_kind, caller_id,"
      + " provider, operation, requested_model, answered_model, input_tokens, output_tokens, cached_input_tokens,"
      + " cache_write_tokens, reasoning_tokens, stream, status, outcome, latency_ms, ttfb_ms, cost_usd, recorded_at,"
      + " limits, policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /** The {@code policy} column's width. */
  static final int MAX_POLICY = 1024;
  /** The {@code limits} column's width. */
  static final int MAX_LIMITS = 512;
  /** Ids asked per statement when looking for records already stored. */
  private static final int IDS_PER_QUERY = 100;

  private final Database db;

  public UsageStore(Database db) {
    this.db = db;
  }

  public Database database() {
    return db;
  }

  /** A record and its cost (null when its model has no price). */
  public record Priced(UsageRecord record, BigDecimal costUsd) {}

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
   *                 look for existing ids is skipped; a duplicate would still fail the transaction
   *                 on the primary key, never be stored twice
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
  public <T> Future<T> insertNew(List<Priced> batch, boolean knownNew, AlsoInTransaction alsoInTransaction,
      Function<List<Priced>, T> whenCommitted) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(whenCommitted.apply(List.of()));
    }
    Map<String, Priced> byId = new LinkedHashMap<>();
    for (Priced priced : batch) {
      byId.putIfAbsent(priced.record().id(), priced);
    }
    List<String> ids = new ArrayList<>(byId.keySet());
    return db.inTransaction(conn -> (knownNew ? Future.succeededFuture((Set<String>) new HashSet<String>())
        : existing(conn, ids, 0, new HashSet<>())).compose(existing -> {
      List<Priced> fresh = new ArrayList<>();
      List<Tuple> rows = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (Priced priced : byId.values()) {
        if (!existing.contains(priced.record().id())) {
          fresh.add(priced);
          rows.add(row(priced, now));
        }
      }
      if (rows.isEmpty()) {
        return Future.succeededFuture(fresh);
      }
      return conn.preparedQuery(db.dialect(INSERT)).executeBatch(rows)
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

  private Future<Set<String>> existing(SqlConnection conn, List<String> ids, int from, Set<String> found) {
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
          return existing(conn, ids, from + IDS_PER_QUERY, found);
        });
  }

  private static Tuple row(Priced priced, long now) {
    UsageRecord r = priced.record();
    return Tuple.tuple()
        .addString(r.id())
        .addLong(r.timeMillis())
        .addString(r.llmProxyId())
        .addString(r.callerKind().wire())
        .addString(r.callerId())
        .addString(r.provider())
        .addString(r.operation())
        .addString(cut(r.requestedModel()))
        .addString(cut(r.answeredModel()))
        .addLong(orNull(r.inputTokens()))
        .addLong(orNull(r.outputTokens()))
        .addLong(orNull(r.cachedInputTokens()))
        .addLong(orNull(r.cacheWriteTokens()))
        .addLong(orNull(r.reasoningTokens()))
        .addBoolean(r.stream())
        .addInteger(r.status())
        .addString(r.outcome())
        .addDouble(r.latencyMs())
        .addDouble(r.ttfbMs())
        .addBigDecimal(priced.costUsd())
        .addLong(now)
        .addString(limits(r.limits()))
        .addString(r.policy() == null || r.policy().length() <= MAX_POLICY ? r.policy()
            : r.policy().substring(0, MAX_POLICY));
  }

  private static Long orNull(long count) {
    return count < 0 ? null : count;
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
  private static String cut(String model) {
    return model == null || model.length() <= 256 ? model : model.substring(0, 256);
  }
}
