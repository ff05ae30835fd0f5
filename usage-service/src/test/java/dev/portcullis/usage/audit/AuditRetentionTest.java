package dev.portcullis.usage.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditRetentionTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private Database db;
  private AuditStore store;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    db = Database.embedded(vertx, dataDir, "usage");
    store = AuditStore.open(db, "writer-a").await();
    long day = Duration.ofDays(1).toMillis();
    store.append(List.of(
        AuditChainTest.entry("old-1", NOW.toEpochMilli() - 100 * day, "a"),
        AuditChainTest.entry("old-2", NOW.toEpochMilli() - 91 * day, "b"),
        AuditChainTest.entry("recent", NOW.toEpochMilli() - 89 * day, "c"),
        AuditChainTest.entry("today", NOW.toEpochMilli(), "d"))).await();
  }

  @AfterEach
  void close() {
    db.close().await();
    vertx.close().await();
  }

  @Test
  void aRunRemovesWhatTheRetentionNoLongerKeeps() {
    assertThat(new AuditRetention(store, 90, CLOCK).runOnce().await()).isEqualTo(2);
    AuditReport report = store.verify().await();
    assertThat(report.intact()).as(report.summary()).isTrue();
    assertThat(report.records()).isEqualTo(2);
    assertThat(new AuditRetention(store, 90, CLOCK).runOnce().await()).isZero();
  }

  @Test
  void zeroDaysKeepsEverythingForever() {
    AuditRetention forever = new AuditRetention(store, 0, CLOCK);
    forever.start(vertx);
    assertThat(forever.runOnce().await()).isZero();
    forever.stop();
    assertThat(store.verify().await().records()).isEqualTo(4);
  }

  @Test
  void oldRowsThatDoNotVerifyAreKeptAsEvidence() {
    db.query("UPDATE audit_records SET response_body = ? WHERE seq = ?", Tuple.of("x", 2L)).await();
    assertThat(new AuditRetention(store, 90, CLOCK).runOnce().await()).isZero();
    AuditReport report = store.verify().await();
    assertThat(report.records()).isEqualTo(4);
    assertThat(report.firstBreak().seq()).isEqualTo(2);
  }

  @Test
  void aBreakInTheRowsKeptDoesNotStopRetention() {
    db.query("UPDATE audit_records SET response_body = ? WHERE seq = ?", Tuple.of("x", 4L)).await();
    assertThat(new AuditRetention(store, 90, CLOCK).runOnce().await()).isEqualTo(2);
    AuditReport report = store.verify().await();
    assertThat(report.records()).isEqualTo(2);
    assertThat(report.firstBreak().seq()).isEqualTo(4);
  }

  @Test
  void moreRowsThanAChunkAreRemovedChunkByChunk() {
    AuditStore other = AuditStore.open(db, "writer-b").await();
    long old = NOW.toEpochMilli() - Duration.ofDays(200).toMillis();
    List<AuditEntry> entries = new ArrayList<>(IntStream.range(0, AuditStore.PURGE_CHUNK + 2)
        .mapToObj(i -> AuditChainTest.entry("bulk-" + i, old, "{}")).toList());
    entries.add(AuditChainTest.entry("bulk-recent", NOW.toEpochMilli(), "{}"));
    List<AuditRecord> rows = other.append(entries).await();

    assertThat(new AuditRetention(store, 90, CLOCK).runOnce().await()).isEqualTo(AuditStore.PURGE_CHUNK + 2 + 2);
    AuditReport report = store.verify().await();
    assertThat(report.intact()).as(report.summary()).isTrue();
    assertThat(report.records()).isEqualTo(3);
    assertThat(report.anchors()).isEqualTo(2);
    assertThat(report.heads()).contains(new AuditReport.Head("writer-b", rows.get(rows.size() - 1).seq(),
        rows.get(rows.size() - 1).hash()));
  }

  @Test
  void theSettingDefaultsToNinetyDays() {
    assertThat(AuditRetention.retentionDays(new Settings(new JsonObject()))).isEqualTo(90);
    assertThat(AuditRetention.retentionDays(new Settings(new JsonObject()
        .put(AuditRetention.RETENTION_DAYS_SETTING, "0")))).isZero();
    assertThatThrownBy(() -> AuditRetention.retentionDays(new Settings(new JsonObject()
        .put(AuditRetention.RETENTION_DAYS_SETTING, "-1")))).isInstanceOf(SettingsException.class);
  }

  @Test
  void startedItRunsOnATimerAndStops() {
    AuditRetention retention = new AuditRetention(store, 90, CLOCK);
    retention.start(vertx);
    retention.start(vertx);
    retention.stop();
    retention.stop();
    assertThat(store.verify().await().records()).isEqualTo(4);
  }
}
