package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.gateway.observe.CallRecord;
import dev.portcullis.gateway.limit.LimitEnforcer;
import dev.portcullis.gateway.observe.CallRecorder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * The calls in flight on one gateway instance: each matched call is counted when it begins and
 * recorded exactly once when it ends, however it ends (answered, failed, client gone), which gives
 * its body's bytes back to the {@link RequestBytesBudget} and keeps the in-flight count that
 * draining waits for exact. Used from the instance's event loop only.
 */
final class CallTracker {

  private final Vertx vertx;
  private final CallRecorder recorder;
  private final RequestBytesBudget budget;
  /** {@code null} when usage records are off. */
  private final UsageRecords usageRecords;
  /** {@code null} when the gateway enforces no limits. */
  private final LimitEnforcer limits;
  private int inFlight;
  private boolean draining;
  private Promise<Void> drained;

  CallTracker(Vertx vertx, CallRecorder recorder, RequestBytesBudget budget, UsageRecords usageRecords,
      LimitEnforcer limits) {
    this.vertx = vertx;
    this.limits = limits;
    this.recorder = recorder;
    this.budget = budget;
    this.usageRecords = usageRecords;
  }

  /** Counts a matched call as in flight until it is recorded. */
  void begin(Call call) {
    inFlight++;
  }

  int inFlight() {
    return inFlight;
  }

  /** Whether new calls are refused: draining has begun. */
  boolean draining() {
    return draining;
  }

  /**
   * Stops taking new calls and completes when every call in flight has been recorded, or when the
   * timeout has passed.
   */
  Future<Void> drain(long timeoutMs) {
    draining = true;
    if (drained == null) {
      drained = Promise.promise();
      if (inFlight == 0) {
        drained.tryComplete();
      } else {
        long timer = vertx.setTimer(Math.max(1, timeoutMs), t -> drained.tryComplete());
        drained.future().onComplete(v -> vertx.cancelTimer(timer));
      }
    }
    return drained.future();
  }

  /**
   * Records the end of a call, once: later calls for the same call are ignored. A client that went
   * away before its answer was complete got none of it, so such a call is recorded as 499
   * {@code client_closed} whatever it meant to send (except a request the connection guard
   * rejected, which it answered itself).
   */
  void record(Call call, HttpServerResponse response, int status, Usage usage, String outcome) {
    record(call, response.closed() && !response.ended(), status, usage, outcome);
  }

  /** @param cutShort whether the client went away before its answer was complete */
  void record(Call call, boolean cutShort, int status, Usage usage, String outcome) {
    if (call.recorded) {
      return;
    }
    call.recorded = true;
    budget.release(call.reservedBytes);
    call.reservedBytes = 0;
    if (--inFlight == 0 && drained != null) {
      drained.tryComplete();
    }
    if (cutShort && !"rejected".equals(outcome)) {
      status = 499;
      outcome = "client_closed";
    }
    if (limits != null && call.limits != null) {
      limits.settle(call.limits, usage, status);
    }
    if (call.span != null) {
      call.span.end(status, usage, outcome);
    }
    String proxyId = call.effectiveProxyId != null ? call.effectiveProxyId : call.proxyId;
    long durationNanos = System.nanoTime() - call.startedNanos;
    recorder.record(new CallRecord(call.requestId, call.method, call.path, call.route.provider(),
        call.route.operation().wireName(), proxyId, call.stream, status, durationNanos, call.firstByteNanos, usage,
        outcome));
    if (usageRecords != null) {
      usageRecords.record(call, proxyId, status, usage, outcome, durationNanos);
    }
  }

  /** Records a request that matched no call (unknown path, wrong method, refused while draining). */
  void recordRejected(String method, String path, String provider, int status, long startedNanos) {
    recorder.record(new CallRecord(null, method, path, provider, "unknown", null, false, status,
        System.nanoTime() - startedNanos, 0, null, "rejected"));
  }
}
