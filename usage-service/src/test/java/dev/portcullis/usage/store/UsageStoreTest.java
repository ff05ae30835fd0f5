package dev.portcullis.usage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecordLines;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import dev.portcullis.database.Database;
import dev.portcullis.database.SchemaMigrations;
import dev.portcullis.usage.store.UsageStore.AlsoInTransaction;
import dev.portcullis.usage.store.UsageStore.Priced;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store writes: batches and their totals per second, each record once however often it is
 * sent, never an audited body; the limit rules that acted on a call; the migrations.
 */
class UsageStoreTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private Database db;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    db = Database.embedded(vertx, dir, "usage");
  }

  @AfterEach
  void close() {
    db.close().await();
    vertx.close().await();
  }

  private static UsageRecord record(String id, String outcome, int status, String limits) {
    return new UsageRecord(id, 1_764_000_000_000L, "proxy-1", CallerKind.VIRTUAL_KEY, "vk-1", "openai",
        "chat.completions", "gpt-4o", null, -1, -1, -1, -1, -1, false, status, outcome, 0.4, null, null, limits);
  }

  /** Every record stored in batches, by id, decoded. */
  private Map<String, UsageBatches.Stored> stored() {
    Map<String, UsageBatches.Stored> stored = new LinkedHashMap<>();
    UsageBatches.forEachBetween(db::query, Long.MIN_VALUE, Long.MAX_VALUE, s -> stored.put(s.record().id(), s)).await();
    return stored;
  }

  private String limitsOf(String id) {
    return stored().get(id).record().limits();
  }

  private List<Row> totals() {
    List<Row> rows = new ArrayList<>();
    db.query("SELECT time_ms, caller_id, requested_model, outcome, calls, input_tokens, output_tokens, cost_usd,"
        + " priced_calls FROM usage_totals ORDER BY time_ms, caller_id, outcome", Tuple.tuple()).await().forEach(rows::add);
    return rows;
  }

  private static UsageRecord call(String id, long timeMs, String callerId, long input, String outcome) {
    return new UsageRecord(id, timeMs, "proxy-1", CallerKind.VIRTUAL_KEY, callerId, "openai", "chat.completions",
        "gpt-4o", "gpt-4o-2024-08-06", input, input < 0 ? -1 : 2 * input, -1, -1, -1, false, 200, outcome, 12.5, null,
        null, null);
  }


  @Test
  void aLedgerOfTheFirstVersionGainsTheColumnAndKeepsItsRecords() {
    new SchemaMigrations(db, "usage_schema_version", UsageMigrations.ALL.subList(0, 1)).migrate().await();
    db.query("INSERT INTO usage_records (id, time_ms, caller_kind, provider, operation, stream, status, outcome,"
        + " latency_ms, recorded_at) VALUES ('old', 1, 'none', 'openai', 'chat.completions', FALSE, 200, 'ok', 1, 1)",
        Tuple.tuple()).await();
    assertThat(UsageMigrations.migrate(db).await()).isEqualTo(5);
    assertThat(db.query("SELECT limits FROM usage_records WHERE id = 'old'", Tuple.tuple()).await().iterator().next()
        .getString(0)).isNull();
    Row row = db.query("SELECT policy FROM usage_records WHERE id = 'old'", Tuple.tuple()).await().iterator().next();
    assertThat(row.getString(0)).isNull();
  }

  @Test
  void aRefusalIsStoredLikeAnyCallWithTheRulesThatActed() {
    UsageMigrations.migrate(db).await();
    String refused = "refused:lim_aaaaaaaaaaaaaaaaaaaaaaaa";
    List<Priced> fresh = new UsageStore(db).insertNew(List.of(
        new Priced(record("refused", "limited", 429, refused), null),
        new Priced(record("flagged", "completed", 200, "soft:lim_bbbbbbbbbbbbbbbbbbbbbbbb"), new BigDecimal("0.25")),
        new Priced(record("plain", "completed", 200, null), new BigDecimal("0.25"))), AlsoInTransaction.NOTHING).await();
    assertThat(fresh).hasSize(3);
    assertThat(limitsOf("refused")).isEqualTo(refused);
    assertThat(limitsOf("flagged")).isEqualTo("soft:lim_bbbbbbbbbbbbbbbbbbbbbbbb");
    assertThat(limitsOf("plain")).isNull();
    UsageBatches.Stored refusal = stored().get("refused");
    assertThat(refusal.record().outcome()).isEqualTo("limited");
    assertThat(refusal.record().status()).isEqualTo(429);
    assertThat(refusal.costUsd()).isNull();
    assertThat(stored().get("flagged").costUsd()).isEqualByComparingTo("0.25");
  }

  @Test
  void soManySoftRulesThatTheyDoNotFitKeepTheIdsThatFitWhole() {
    UsageMigrations.migrate(db).await();
    List<String> ids = new ArrayList<>(Collections.nCopies(30, "lim_dddddddddddddddddddddddd"));
    String limits = "soft:" + String.join(",", ids);
    assertThat(limits.length()).isGreaterThan(UsageStore.MAX_LIMITS);
    new UsageStore(db).insertNew(List.of(new Priced(record("many", "completed", 200, limits), null)),
        AlsoInTransaction.NOTHING).await();
    String stored = limitsOf("many");
    assertThat(stored.length()).isLessThanOrEqualTo(UsageStore.MAX_LIMITS);
    assertThat(stored).startsWith("soft:lim_").doesNotEndWith(",");
    assertThat(stored.substring(5).split(",")).allSatisfy(id -> assertThat(id).isEqualTo(ids.get(0)));
  }

  @Test
  void aBatchSentAgainAddsOnlyTheRecordsNotStoredYetWhereverTheyAre() {
    UsageMigrations.migrate(db).await();
    long t = 1_764_000_000_000L;
    // Stored by a version before batches: a row of usage_records.
    db.query("INSERT INTO usage_records (id, time_ms, caller_kind, provider, operation, stream, status, outcome,"
        + " latency_ms, recorded_at) VALUES ('old', ?, 'none', 'openai', 'chat.completions', FALSE, 200, 'ok', 1, 1)",
        Tuple.of(t)).await();
    UsageStore store = new UsageStore(db);
    List<Priced> first = List.of(new Priced(call("a", t + 10, "vk-1", 3, "ok"), null),
        new Priced(call("b", t + 5_000, "vk-1", 4, "ok"), null));
    assertThat(store.insertNew(first, true, AlsoInTransaction.NOTHING, List::size).await()).isEqualTo(2);

    // The answer was lost: the gateway sends the batch again, with what it recorded since.
    List<Priced> again = List.of(new Priced(call("old", t, null, 1, "ok"), null), first.get(0), first.get(1),
        new Priced(call("c", t + 20, "vk-1", 5, "ok"), new BigDecimal("0.5")));
    List<Priced> fresh = store.insertNew(again, false, AlsoInTransaction.NOTHING).await();
    assertThat(fresh).extracting(p -> p.record().id()).containsExactly("c");
    assertThat(store.insertNew(again, false, AlsoInTransaction.NOTHING).await()).isEmpty();

    assertThat(stored().keySet()).containsExactly("a", "b", "c");
    assertThat(totals()).extracting(row -> row.getLong(4)).containsExactly(1L, 1L, 1L);
    long calls = 0;
    for (Row row : totals()) {
      calls += row.getLong(4);
    }
    assertThat(calls).isEqualTo(3);
  }

  @Test
  void callsOfOneSecondAndOneKindAreOneTotalsRow() {
    UsageMigrations.migrate(db).await();
    long second = 1_764_000_000_000L;
    List<Priced> batch = List.of(
        new Priced(call("a", second, "vk-1", 3, "ok"), new BigDecimal("0.000001000000")),
        new Priced(call("b", second + 999, "vk-1", -1, "ok"), null),
        new Priced(call("c", second + 500, "vk-1", 4, "ok"), new BigDecimal("0.000002500000")),
        new Priced(call("d", second + 1000, "vk-1", 5, "ok"), null),
        new Priced(call("e", second + 1, "vk-2", -1, "error"), null),
        new Priced(call("f", second + 2, "vk-1", 6, "limited"), null));
    new UsageStore(db).insertNew(batch, true, AlsoInTransaction.NOTHING).await();
    List<Row> rows = totals();
    assertThat(rows).hasSize(4);
    // f: another outcome, its own row.
    assertThat(rows.get(0).getString(3)).isEqualTo("limited");
    assertThat(rows.get(0).getLong(4)).isEqualTo(1);
    // a, b, c: three calls, two of them priced; b reported no tokens.
    assertThat(rows.get(1).getLong(0)).isEqualTo(second);
    assertThat(rows.get(1).getString(1)).isEqualTo("vk-1");
    assertThat(rows.get(1).getString(3)).isEqualTo("ok");
    assertThat(rows.get(1).getLong(4)).isEqualTo(3);
    assertThat(rows.get(1).getLong(5)).isEqualTo(7);
    assertThat(rows.get(1).getLong(6)).isEqualTo(14);
    assertThat(rows.get(1).getBigDecimal(7)).isEqualByComparingTo("0.0000035");
    assertThat(rows.get(1).getLong(8)).isEqualTo(2);
    // e: another caller; no tokens reported, no price: NULL sums.
    assertThat(rows.get(2).getString(1)).isEqualTo("vk-2");
    assertThat(rows.get(2).getValue(5)).isNull();
    assertThat(rows.get(2).getValue(7)).isNull();
    assertThat(rows.get(2).getLong(8)).isZero();
    // d: the next second.
    assertThat(rows.get(3).getLong(0)).isEqualTo(second + 1000);
    Row batchRow = db.query("SELECT first_ms, last_ms, records FROM usage_batches", Tuple.tuple()).await()
        .iterator().next();
    assertThat(batchRow.getLong(0)).isEqualTo(second);
    assertThat(batchRow.getLong(1)).isEqualTo(second + 1000);
    assertThat(batchRow.getInteger(2)).isEqualTo(6);
  }

  @Test
  void aLargeBatchIsStoredInRowsOfABoundedNumberOfRecordsEachWithItsCosts() {
    UsageMigrations.migrate(db).await();
    List<Priced> batch = new ArrayList<>();
    for (int i = 0; i < 2 * UsageStore.ROW_RECORDS + 5; i++) {
      batch.add(new Priced(call("r" + i, 1_000L * i, "vk-1", i, "ok"), i % 3 == 0 ? null : new BigDecimal(i + ".5")));
    }
    new UsageStore(db).insertNew(batch, true, AlsoInTransaction.NOTHING).await();
    List<Row> rows = new ArrayList<>();
    db.query("SELECT first_ms, last_ms, records FROM usage_batches ORDER BY id", Tuple.tuple()).await()
        .forEach(rows::add);
    assertThat(rows).extracting(row -> row.getInteger(2)).containsExactly(UsageStore.ROW_RECORDS,
        UsageStore.ROW_RECORDS, 5);
    assertThat(rows.get(1).getLong(0)).isEqualTo(1_000L * UsageStore.ROW_RECORDS);
    assertThat(rows.get(1).getLong(1)).isEqualTo(1_000L * (2 * UsageStore.ROW_RECORDS - 1));
    Map<String, UsageBatches.Stored> stored = stored();
    assertThat(stored).hasSize(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      BigDecimal cost = stored.get("r" + i).costUsd();
      if (i % 3 == 0) {
        assertThat(cost).isNull();
      } else {
        assertThat(cost).isEqualByComparingTo(i + ".5");
      }
    }
  }

  @Test
  void auditedBodiesAreNeverKeptInABatchTheAuditLogKeepsThemUnderItsOwnRetention() {
    UsageMigrations.migrate(db).await();
    UsageRecord audited = call("a", 1_000, "vk-1", 3, "ok")
        .withAudit(new UsageRecord.Audit("full", "{\"prompt\":\"the-request-body\"}", "the-answer-body", false));
    List<Priced> batch = List.of(new Priced(audited, null), new Priced(call("b", 2_000, "vk-1", 3, "ok"), null));
    new UsageStore(db).insertNew(batch, true, AlsoInTransaction.NOTHING).await();
    Row row = db.query("SELECT body, body_deflated FROM usage_batches", Tuple.tuple()).await().iterator().next();
    assertThat(row.getString(0)).isNull();
    String body = PackedLines.unpack(row.getBuffer(1).getBytes()).orElseThrow();
    assertThat(body).contains("\"id\":\"a\"").doesNotContain("the-request-body").doesNotContain("the-answer-body");
    assertThat(stored().get("a").record().audit()).isNull();
    assertThat(stored().get("a").record().inputTokens()).isEqualTo(3);
  }

  @Test
  void aLineThatSaysOnlyItsRecordIsStoredAsItCameAnyOtherIsWrittenAgain() {
    UsageMigrations.migrate(db).await();
    java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
    UsageRecordLines.write(call("as-sent", 1_000, "vk-1", 3, "ok"), sent);
    UsageRecordLines.write(call("audited", 1_001, "vk-1", 4, "ok")
        .withAudit(new UsageRecord.Audit("full", "the-request-body", "the-answer-body", false)), sent);
    // A gateway of a later version (or a forged message) adds a field: it is not stored.
    java.io.ByteArrayOutputStream extra = new java.io.ByteArrayOutputStream();
    UsageRecordLines.write(call("extra", 1_002, "vk-1", 5, "ok"), extra);
    sent.writeBytes(extra.toString(java.nio.charset.StandardCharsets.UTF_8).replace("}\n", ",\"smuggled\":\"xyz\"}\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    List<Priced> batch = new ArrayList<>();
    UsageRecordLines.read(sent.toByteArray(), line -> batch.add(new Priced(line, null)), () -> {
      throw new AssertionError("every line is a record");
    });

    new UsageStore(db).insertNew(batch, true, AlsoInTransaction.NOTHING).await();

    Row row = db.query("SELECT body_deflated FROM usage_batches", Tuple.tuple()).await().iterator().next();
    List<String> lines = PackedLines.unpack(row.getBuffer(0).getBytes()).orElseThrow().lines().toList();
    assertThat(lines.get(0)).as("stored as it came").isEqualTo(sent.toString(java.nio.charset.StandardCharsets.UTF_8)
        .lines().findFirst().orElseThrow());
    assertThat(lines.get(1)).contains("\"id\":\"audited\"").doesNotContain("the-request-body").doesNotContain("\"audit\":");
    assertThat(lines.get(2)).contains("\"id\":\"extra\"").doesNotContain("smuggled");
    Map<String, UsageBatches.Stored> stored = stored();
    assertThat(stored.get("as-sent").record()).isEqualTo(batch.get(0).record());
    assertThat(stored.get("audited").record()).isEqualTo(batch.get(1).record().withAudit(null));
    assertThat(stored.get("extra").record()).isEqualTo(batch.get(2).record());
  }

  @Test
  void aBatchsLinesAreStoredCompressedAndReadBackAsTheyWere() {
    UsageMigrations.migrate(db).await();
    List<Priced> batch = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      batch.add(new Priced(call("c" + i, 10_000 + i, "vk-" + (i % 3), i, "completed"), i % 2 == 0 ? null
          : new BigDecimal("0.00" + i)));
    }
    new UsageStore(db).insertNew(batch, true, AlsoInTransaction.NOTHING).await();
    Row row = db.query("SELECT body, body_deflated FROM usage_batches", Tuple.tuple()).await().iterator().next();
    assertThat(row.getString(0)).as("no text copy of the lines").isNull();
    byte[] packed = row.getBuffer(1).getBytes();
    java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
    UsageBatches.write(batch, lines);
    assertThat(PackedLines.unpack(packed)).contains(lines.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(packed.length).as("64 similar lines compress well").isLessThan(lines.size() / 4);
    Map<String, UsageBatches.Stored> stored = stored();
    assertThat(stored).hasSize(64);
    for (int i = 0; i < 64; i++) {
      UsageBatches.Stored one = stored.get("c" + i);
      assertThat(one.record()).isEqualTo(batch.get(i).record());
      if (i % 2 == 0) {
        assertThat(one.costUsd()).isNull();
      } else {
        assertThat(one.costUsd()).isEqualByComparingTo("0.00" + i);
      }
    }
  }

  @Test
  void batchesStoredAsTextBeforeVersionFiveAreReadWithTheCompressedOnes() {
    new SchemaMigrations(db, "usage_schema_version", UsageMigrations.ALL.subList(0, 4)).migrate().await();
    UsageRecord old = call("old", 5_000, "vk-1", 7, "completed");
    java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
    UsageBatches.write(List.of(new Priced(old, null)), lines);
    db.query("INSERT INTO usage_batches (first_ms, last_ms, records, recorded_at, body, costs) VALUES (?, ?, ?, ?, ?, ?)",
        Tuple.of(5_000L, 5_000L, 1, 6_000L, lines.toString(java.nio.charset.StandardCharsets.UTF_8), "0.5")).await();
    assertThat(UsageMigrations.migrate(db).await()).isEqualTo(5);
    new UsageStore(db).insertNew(List.of(new Priced(call("new", 5_001, "vk-1", 8, "completed"), null)), true,
        AlsoInTransaction.NOTHING).await();
    Map<String, UsageBatches.Stored> stored = stored();
    assertThat(stored.keySet()).containsExactly("old", "new");
    assertThat(stored.get("old").record()).isEqualTo(old);
    assertThat(stored.get("old").costUsd()).isEqualByComparingTo("0.5");
    assertThat(stored.get("old").recordedAt()).isEqualTo(6_000L);
    // Sent again, the old text row is found like the compressed one: nothing is stored twice.
    assertThat(new UsageStore(db).insertNew(List.of(new Priced(old, null), new Priced(call("new", 5_001, "vk-1", 8,
        "completed"), null)), AlsoInTransaction.NOTHING).await()).isEmpty();
  }

  @Test
  void aDamagedOrForgedCompressedRowIsSkippedNotInflatedWithoutEnd() {
    UsageMigrations.migrate(db).await();
    new UsageStore(db).insertNew(List.of(new Priced(call("good", 9_000, "vk-1", 1, "completed"), null)), true,
        AlsoInTransaction.NOTHING).await();
    byte[] notDeflate = "not a deflate stream at all".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] packed = PackedLines.pack(notDeflate, notDeflate.length);
    byte[] truncated = java.util.Arrays.copyOf(packed, packed.length / 2);
    // Forged: 64 MB of one byte compresses to about 64 KB and would inflate past the bound.
    byte[] huge = new byte[64 * 1024 * 1024];
    byte[] bomb = PackedLines.pack(huge, huge.length);
    for (byte[] bad : List.of(notDeflate, truncated, bomb)) {
      db.query("INSERT INTO usage_batches (first_ms, last_ms, records, recorded_at, body_deflated, costs)"
          + " VALUES (9000, 9000, 1, 1, ?, '')", Tuple.of(db.binary(bad))).await();
    }
    assertThat(PackedLines.unpack(bomb)).isEmpty();
    assertThat(PackedLines.unpack(truncated)).isEmpty();
    assertThat(stored().keySet()).containsExactly("good");
  }
}
