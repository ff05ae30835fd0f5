package dev.portcullis.app.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.servicediscovery.ServiceDiscovery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Provider records: published with routes, seen by the directory, withdrawn on stop, ignored when stale. */
class ProviderDirectoryTest {

  private Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aPublishedProviderIsUpUntilItsProcessWithdrawsIt() throws Exception {
    ProviderDirectory directory = new ProviderDirectory(vertx, 60_000, 60_000);
    await(directory::loaded, "first read");
    assertThat(directory.anyUp()).isFalse();
    assertThat(directory.explainUnavailable("openai")).isEqualTo("no openai provider instance has registered in service discovery");

    String id = vertx.deployVerticle(new ProviderAnnouncer(Map.of("openai",
        List.of("POST /v1/openai[/{id}]/chat/completions")), 60_000)).await();
    // The announce event refreshes the directory at once, without waiting for its 60 s period.
    await(() -> directory.instancesUp("openai") == 1, "openai up");
    assertThat(directory.anyUp()).isTrue();

    ServiceDiscovery discovery = ServiceDiscovery.create(vertx);
    var record = discovery.getRecord(ProviderRecords::isProvider).await();
    assertThat(record.getLocation().getString("endpoint")).isEqualTo("portcullis.provider.openai");
    assertThat(record.getMetadata().getJsonArray("routes").getList()).containsExactly("POST /v1/openai[/{id}]/chat/completions");
    discovery.close();

    vertx.undeploy(id).await();
    await(() -> directory.instancesUp("openai") == 0, "openai withdrawn");
    assertThat(directory.explainUnavailable("openai")).startsWith("no openai provider instance is up; the last one was seen");
    directory.close();
  }

  @Test
  void aRecordWhoseHeartbeatStoppedCountsAsDown() throws Exception {
    // A killed process cannot withdraw its records: a heartbeat older than the limit means down.
    vertx.deployVerticle(new ProviderAnnouncer(Map.of("groq", List.of()), 60_000)).await();
    ProviderDirectory directory = new ProviderDirectory(vertx, 50, 300);
    await(() -> directory.instancesUp("groq") == 1, "groq up");
    await(() -> directory.instancesUp("groq") == 0, "groq stale");
    directory.close();
  }

  @Test
  void heartbeatsKeepARecordFresh() throws Exception {
    vertx.deployVerticle(new ProviderAnnouncer(Map.of("mistral", List.of()), 100)).await();
    ProviderDirectory directory = new ProviderDirectory(vertx, 50, 300);
    await(() -> directory.instancesUp("mistral") == 1, "mistral up");
    Thread.sleep(800);
    assertThat(directory.instancesUp("mistral")).isEqualTo(1);
    directory.close();
  }
}
