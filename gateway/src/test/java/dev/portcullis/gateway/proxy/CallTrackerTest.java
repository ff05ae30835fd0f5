package dev.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.gateway.observe.CallRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every call is recorded exactly once, which keeps the in-flight count that draining waits for exact. */
class CallTrackerTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RequestBytesBudget budget = new RequestBytesBudget(1_000);
  private final CallTracker tracker = new CallTracker(vertx, new CallRecorder(registry), budget, null, null);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void drainCompletesWhenTheLastCallIsRecorded() {
    Call first = TestCalls.openAiChat();
    Call second = TestCalls.openAiChat();
    tracker.begin(first);
    tracker.begin(second);

    Future<Void> drained = tracker.drain(60_000);
    assertThat(tracker.draining()).isTrue();
    tracker.record(first, false, 200, null, "completed");
    assertThat(drained.isComplete()).isFalse();
    tracker.record(second, false, 200, null, "completed");

    assertThat(drained.succeeded()).isTrue();
    assertThat(tracker.inFlight()).isZero();
  }

  @Test
  void aCallIsRecordedOnceHoweverOftenItEnds() {
    Call call = TestCalls.openAiChat();
    Call other = TestCalls.openAiChat();
    tracker.begin(call);
    tracker.begin(other);

    tracker.record(call, false, 200, new Usage("gpt-4o", 3, 2), "completed");
    tracker.record(call, true, 499, null, "client_closed");

    assertThat(tracker.inFlight()).as("a second record must not count another call out").isEqualTo(1);
    assertThat(requests("200")).isEqualTo(1);
    assertThat(requests("499")).isZero();
  }

  @Test
  void recordingGivesTheBodysBytesBack() {
    Call call = TestCalls.openAiChat();
    tracker.begin(call);
    assertThat(budget.tryReserve(400)).isTrue();
    call.reservedBytes = 400;

    tracker.record(call, false, 413, null, "error");

    assertThat(budget.reserved()).isZero();
    assertThat(call.reservedBytes).isZero();
  }

  @Test
  void aClientThatWentAwayMidAnswerIsRecordedAs499() {
    Call call = TestCalls.openAiChat();
    tracker.begin(call);

    tracker.record(call, true, 200, null, "completed");

    assertThat(requests("499")).isEqualTo(1);
  }

  @Test
  void aRequestTheConnectionGuardRejectedKeepsItsStatus() {
    Call call = TestCalls.openAiChat();
    tracker.begin(call);

    tracker.record(call, true, 400, null, "rejected");

    assertThat(requests("400")).isEqualTo(1);
  }

  @Test
  void drainWithNothingInFlightCompletesAtOnceAndOtherwiseAfterItsTimeout() throws Exception {
    assertThat(tracker.drain(60_000).succeeded()).isTrue();

    CallTracker busy = new CallTracker(vertx, new CallRecorder(registry), budget, null, null);
    busy.begin(TestCalls.openAiChat());
    busy.drain(50).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(busy.inFlight()).isEqualTo(1);
  }

  @Test
  void unmatchedRequestsAreRecordedWithoutCountingInFlight() {
    tracker.recordRejected("GET", "/v1/acme", RouteLookup.UNKNOWN_PROVIDER, 404, System.nanoTime());

    assertThat(tracker.inFlight()).isZero();
    assertThat(registry.get("portcullis.requests").tag("provider", "unknown").tag("route", "unknown")
        .tag("status", "404").counter().count()).isEqualTo(1);
  }

  private double requests(String status) {
    var counter = registry.find("portcullis.requests").tag("provider", "openai").tag("status", status).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void everyCallLeavesOneUsageRecordWithItsCallerAndACancelledCallSaysSo() {
    java.util.List<dev.portcullis.common.usage.UsageRecord> records = new java.util.ArrayList<>();
    CallTracker recording = new CallTracker(vertx, new CallRecorder(registry), budget, new UsageRecords(records::add), null);
    Call call = TestCalls.openAiChat();
    call.callerKind = dev.portcullis.common.usage.UsageRecord.CallerKind.VIRTUAL_KEY;
    call.callerId = "vk-1";
    call.requestedModel = "gpt-4o";
    call.stream = true;
    recording.begin(call);
    recording.record(call, true, 200, new Usage("gpt-4o-2024-08-06", 12, -1, 4, -1, -1), "client_closed");
    recording.record(call, false, 200, null, "completed");

    assertThat(records).hasSize(1);
    dev.portcullis.common.usage.UsageRecord record = records.get(0);
    assertThat(record.id()).isEqualTo(call.requestId);
    assertThat(record.outcome()).isEqualTo("cancelled");
    assertThat(record.status()).isEqualTo(499);
    assertThat(record.callerKind()).isEqualTo(dev.portcullis.common.usage.UsageRecord.CallerKind.VIRTUAL_KEY);
    assertThat(record.callerId()).isEqualTo("vk-1");
    assertThat(record.provider()).isEqualTo("openai");
    assertThat(record.requestedModel()).isEqualTo("gpt-4o");
    assertThat(record.answeredModel()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(record.inputTokens()).isEqualTo(12);
    assertThat(record.cachedInputTokens()).isEqualTo(4);
    assertThat(record.outputTokens()).isEqualTo(-1);
    assertThat(record.audit()).isNull();
  }
}
