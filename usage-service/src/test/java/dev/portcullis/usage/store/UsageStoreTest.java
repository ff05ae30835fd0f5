package dev.portcullis.usage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.usage.UsageRecord;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store writes of the limit rules that acted on a call, and the migration that added them. */
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

  private String limitsOf(String id) {
    Row row = db.query("SELECT limits FROM usage_records WHERE id = ?", Tuple.of(id)).await().iterator().next();
    return row.getString(0);
  }

  @Test
  void aLedgerOfTheFirstVersionGainsTheColumnAndKeepsItsRecords() {
    new SchemaMigrations(db, "usage_schema_version", UsageMigrations.ALL.subList(0, 1)).migrate().await();
    db.query("INSERT INTO usage_records (id, time_ms, caller_kind, provider, operation, stream, status, outcome,"
        + " latency_ms, recorded_at) VALUES ('old', 1, 'none', 'openai', 'chat.completions', FALSE, 200, 'ok', 1, 1)",
        Tuple.tuple()).await();
    assertThat(UsageMigrations.migrate(db).await()).isEqualTo(3);
    assertThat(limitsOf("old")).isNull();
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
    Row row = db.query("SELECT outcome, status, cost_usd FROM usage_records WHERE id = 'refused'", Tuple.tuple())
        .await().iterator().next();
    assertThat(row.getString(0)).isEqualTo("limited");
    assertThat(row.getInteger(1)).isEqualTo(429);
    assertThat(row.getBigDecimal(2)).isNull();
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
}
