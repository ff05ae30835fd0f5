package dev.portcullis.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.usage.UsageLines;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecordLines;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageShipperTest {

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** Waits up to 30 s for the condition. */
  private static void await(java.util.concurrent.Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s");
      }
      Thread.sleep(20);
    }
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  static UsageRecord record(String id) {
    return new UsageRecord(id, 1_000, "proxy", CallerKind.PASSTHROUGH, "sha256:00", "openai", "chat.completions",
        "gpt-4o", "gpt-4o", 3, 4, -1, -1, -1, false, 200, "completed", 1.5, null, null);
  }

  /** The bytes of a record's journal line. */
  private static int lineBytes(UsageRecord record) throws java.io.IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    UsageRecordLines.write(record, line);
    return line.size();
  }

  /** A ledger that stores each id once, and can be made to fail. */
  private final Set<String> stored = ConcurrentHashMap.newKeySet();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final AtomicBoolean ledgerDown = new AtomicBoolean();

  private MessageConsumer<UsageLines> ledger() {
    return vertx.eventBus().consumer(Addresses.USAGE_RECORDS, message -> {
      if (ledgerDown.get()) {
        message.fail(503, "down");
        return;
      }
      int fresh = 0;
      for (String line : new String(message.body().take(), StandardCharsets.UTF_8).split("\n")) {
        String id = new JsonObject(line).getString("id");
        received.add(id);
        fresh += stored.add(id) ? 1 : 0;
      }
      message.reply(new JsonObject().put("stored", fresh));
    });
  }

  @Test
  void everyRecordReachesTheLedgerOnceEvenAcrossAnOutageAndARestart() throws Exception {
    ledger().completion().await();
    ledgerDown.set(true);
    UsageShipper shipper = UsageShipper.start(vertx, dir, 1 << 24, registry, r -> r, 2_000);
    for (int i = 0; i < 1_200; i++) {
      shipper.offer(record("r" + i));
    }
    await(() -> registry.counter("portcullis.usage.records.journaled").count() == 1_200);
    assertThat(stored).isEmpty();
    await(() -> registry.get("portcullis.usage.journal.pending.bytes").gauge().value() > 0);
    // The gateway restarts while the ledger is down: the records wait on disk.
    shipper.close(0);
    shipper = UsageShipper.start(vertx, dir, 1 << 24, new SimpleMeterRegistry(), r -> r, 2_000);
    ledgerDown.set(false);
    await(() -> stored.size() == 1_200);
    shipper.close(5_000);
    assertThat(stored).hasSize(1_200);
  }

  @Test
  void pastItsBoundTheJournalDropsNewRecordsAndCountsThem() throws Exception {
    ledgerDown.set(true);
    ledger().completion().await();
    long bound = 10 * lineBytes(record("r0000"));
    UsageShipper shipper = UsageShipper.start(vertx, dir, bound, registry, r -> r, 2_000);
    for (int i = 0; i < 50; i++) {
      shipper.offer(record("r" + (1000 + i)));
    }
    await(() -> registry.counter("portcullis.usage.records.journaled").count()
        + registry.counter("portcullis.usage.records.dropped", "reason", "journal_full").count() == 50);
    assertThat(registry.counter("portcullis.usage.records.journaled").count()).isEqualTo(10);
    assertThat(registry.counter("portcullis.usage.records.dropped", "reason", "journal_full").count()).isEqualTo(40);
    ledgerDown.set(false);
    await(() -> stored.size() == 10);
    shipper.close(2_000);
  }

  @Test
  void recordsArePassedThroughTheRedactionHookBeforeTheyAreWritten() throws Exception {
    ledger().completion().await();
    UsageShipper shipper = UsageShipper.start(vertx, dir, 1 << 24, registry,
        r -> new UsageRecord("redacted-" + r.id(), r.timeMillis(), r.llmProxyId(), r.callerKind(), r.callerId(),
            r.provider(), r.operation(), r.requestedModel(), r.answeredModel(), r.inputTokens(), r.outputTokens(),
            r.cachedInputTokens(), r.cacheWriteTokens(), r.reasoningTokens(), r.stream(), r.status(), r.outcome(),
            r.latencyMs(), r.ttfbMs(), r.audit()), 2_000);
    shipper.offer(record("x"));
    await(() -> stored.contains("redacted-x"));
    shipper.close(2_000);
  }

  @Test
  void aRecordThatFailsHalfWrittenLeavesNoPartOfItInTheJournal() throws Exception {
    ledger().completion().await();
    // No caller kind: the encoder has written the id and the time when it fails on it.
    UsageShipper shipper = UsageShipper.start(vertx, dir, 1 << 24, registry, r -> !r.id().equals("broken") ? r
        : new UsageRecord(r.id(), r.timeMillis(), r.llmProxyId(), null, r.callerId(), r.provider(), r.operation(),
            r.requestedModel(), r.answeredModel(), r.inputTokens(), r.outputTokens(), r.cachedInputTokens(),
            r.cacheWriteTokens(), r.reasoningTokens(), r.stream(), r.status(), r.outcome(), r.latencyMs(), r.ttfbMs(),
            r.audit()), 2_000);
    shipper.offer(record("before"));
    shipper.offer(record("broken"));
    shipper.offer(record("after"));
    await(() -> stored.containsAll(List.of("before", "after")));
    shipper.close(2_000);
    // The test ledger parses every line it gets: a torn line would have failed it.
    assertThat(received).containsExactly("before", "after");
    assertThat(registry.counter("portcullis.usage.records.dropped", "reason", "write_failed").count()).isEqualTo(1);
    assertThat(registry.counter("portcullis.usage.records.journaled").count()).isEqualTo(2);
  }

  /** What one batch brought: the ids of its lines, and of the records that came with them (null where none). */
  private record Delivery(List<String> lineIds, List<String> writtenIds, List<UsageRecord> written) {}

  private MessageConsumer<UsageLines> recordingLedger(List<Delivery> deliveries) {
    return vertx.eventBus().consumer(Addresses.USAGE_RECORDS, message -> {
      List<UsageRecord> written = message.body().takeWritten();
      List<String> lineIds = new java.util.ArrayList<>();
      for (String line : new String(message.body().take(), StandardCharsets.UTF_8).split("\n")) {
        lineIds.add(new JsonObject(line).getString("id"));
      }
      deliveries.add(new Delivery(lineIds,
          written == null ? null : written.stream().map(r -> r == null ? null : r.id()).toList(), written));
      if (ledgerDown.get()) {
        message.fail(503, "down");
        return;
      }
      lineIds.forEach(stored::add);
      message.reply(new JsonObject().put("stored", lineIds.size()));
    });
  }

  @Test
  void aBatchOfRecordsThisProcessJustWroteCarriesThemInOrderAndNoOtherBatchDoes() throws Exception {
    List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    recordingLedger(deliveries).completion().await();
    UsageShipper shipper = UsageShipper.start(vertx, dir, 1 << 24, registry, r -> r, 2_000);
    java.util.Map<String, UsageRecord> offered = new ConcurrentHashMap<>();
    UsageRecord.Audit bodies = new UsageRecord.Audit("full", "{\"messages\":[]}", "{\"choices\":[]}", false);
    for (int i = 0; i < 300; i++) {
      UsageRecord record = record("a" + i);
      if (i == 7) {
        record = new UsageRecord(record.id(), record.timeMillis(), record.llmProxyId(), record.callerKind(),
            record.callerId(), record.provider(), record.operation(), record.requestedModel(), record.answeredModel(),
            3, 4, -1, -1, -1, false, 200, "completed", 1.5, null, bodies);
      }
      offered.put(record.id(), record);
      shipper.offer(record);
    }
    await(() -> stored.size() == 300);
    for (Delivery delivery : deliveries) {
      // One record per line, in the lines' order, the very objects offered; the audited one is left to be parsed.
      assertThat(delivery.writtenIds()).hasSameSizeAs(delivery.lineIds());
      for (int i = 0; i < delivery.lineIds().size(); i++) {
        String id = delivery.lineIds().get(i);
        if (id.equals("a7")) {
          assertThat(delivery.written().get(i)).isNull();
        } else {
          assertThat(delivery.written().get(i)).isSameAs(offered.get(id));
        }
      }
    }
    // Lines written before a restart, and lines sent again after a failure, come without records.
    ledgerDown.set(true);
    for (int i = 0; i < 50; i++) {
      shipper.offer(record("b" + i));
    }
    await(() -> deliveries.stream().filter(d -> d.lineIds().contains("b0")).count() >= 2);
    assertThat(deliveries.stream().filter(d -> d.lineIds().contains("b0")).skip(1))
        .allSatisfy(again -> assertThat(again.written()).isNull());
    shipper.close(0);
    deliveries.clear();
    ledgerDown.set(false);
    shipper = UsageShipper.start(vertx, dir, 1 << 24, new SimpleMeterRegistry(), r -> r, 2_000);
    await(() -> stored.size() == 350);
    shipper.offer(record("c0"));
    await(() -> stored.contains("c0"));
    shipper.close(2_000);
    assertThat(deliveries).filteredOn(d -> d.lineIds().contains("b0")).singleElement()
        .satisfies(afterRestart -> assertThat(afterRestart.written()).isNull());
    assertThat(deliveries).filteredOn(d -> d.lineIds().contains("c0")).singleElement()
        .satisfies(fresh -> assertThat(fresh.writtenIds()).containsExactly("c0"));
  }

  @Test
  void recordsOfAQuietGatewayWaitForMoreAndShipTogether() throws Exception {
    List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    recordingLedger(deliveries).completion().await();
    UsageShipper shipper = UsageShipper.start(vertx, dir, 1 << 24, registry, r -> r, 2_000);
    shipper.offer(record("first"));
    await(() -> stored.contains("first"));
    // One record every 20 ms for 400 ms: flushed to the journal every 50 ms, shipped after every
    // flush this would be eight batches or more; waiting for more makes it one or two.
    for (int i = 0; i < 20; i++) {
      shipper.offer(record("t" + i));
      Thread.sleep(20);
    }
    await(() -> stored.size() == 21);
    shipper.close(2_000);
    assertThat(deliveries).hasSizeBetween(2, 3);
  }

  @Test
  void waitingRecordsShipAtOnceWhenThereAreEnoughOfThemOrTheShipperCloses() throws Exception {
    List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    recordingLedger(deliveries).completion().await();
    long anHour = 3_600_000;
    UsageShipper shipper = UsageShipper.start(vertx, dir, 1 << 26, registry, r -> r, 2_000, anHour);
    shipper.offer(record("first"));
    await(() -> stored.contains("first"));
    for (int i = 0; i < 5; i++) {
      shipper.offer(record("w" + i));
    }
    await(() -> registry.counter("portcullis.usage.records.journaled").count() == 6);
    Thread.sleep(300);
    assertThat(stored).containsExactly("first");
    // Enough waiting records ship without the hour's wait: a busy gateway or a backlog is not held back.
    int many = (int) (UsageShipper.SHIP_BYTES / lineBytes(record("m00000"))) + 10;
    for (int i = 0; i < many; i++) {
      shipper.offer(record(String.format("m%05d", i)));
    }
    await(() -> stored.size() > 6);
    assertThat(deliveries.get(1).lineIds()).startsWith("w0", "w1", "w2", "w3", "w4", "m00000");
    // Closing ships what is left at once.
    long closing = System.nanoTime();
    shipper.close(5_000);
    assertThat(stored).hasSize(6 + many);
    assertThat(System.nanoTime() - closing).isLessThan(4_000_000_000L);
  }
}
