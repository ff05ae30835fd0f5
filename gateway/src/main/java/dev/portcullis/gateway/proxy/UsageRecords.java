package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.usage.UsageRecord;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Builds the usage record of a finished call and hands it to the ledger's shipper. A client that
 * went away is recorded as {@code cancelled}, with whatever usage was known by then.
 */
final class UsageRecords {

  private final Consumer<UsageRecord> sink;

  UsageRecords(Consumer<UsageRecord> sink) {
    this.sink = sink;
  }

  void record(Call call, String proxyId, int status, Usage usage, String outcome, long durationNanos) {
    Usage known = usage == null ? Usage.UNKNOWN : usage;
    UsageRecord.Audit audit = null;
    if ("full".equals(call.auditLevel)) {
      AnswerCapture answer = call.auditedAnswer;
      audit = new UsageRecord.Audit("full", text(call.auditedRequest), answer == null ? null : text(answer.bytes()),
          call.auditedRequestTruncated || answer != null && answer.truncated());
    } else if ("metadata".equals(call.auditLevel)) {
      audit = new UsageRecord.Audit("metadata", null, null, false);
    }
    sink.accept(new UsageRecord(
        call.requestId,
        System.currentTimeMillis() - durationNanos / 1_000_000,
        proxyId,
        call.callerKind,
        call.callerId,
        call.targetProvider != null ? call.targetProvider : call.route.provider(),
        call.route.operation().wireName(),
        call.requestedModel,
        known.model(),
        known.inputTokens(),
        known.outputTokens(),
        known.cachedInputTokens(),
        known.cacheWriteTokens(),
        known.reasoningTokens(),
        call.stream,
        status,
        "client_closed".equals(outcome) ? "cancelled" : outcome,
        durationNanos / 1_000_000.0,
        call.firstByteNanos > 0 ? call.firstByteNanos / 1_000_000.0 : null,
        audit,
        call.limits == null ? null : call.limits.note(),
        call.policyNote == null ? null : call.policyNote.text()));
  }

  /**
   * The bytes as text: UTF-8, with anything that is not (the binary framing of Bedrock's event
   * streams) replaced by U+FFFD. The audit log is for people to read; its JSON payloads stay
   * readable, and the redactor sees every character a secret could be made of.
   */
  static String text(Buffer bytes) {
    return bytes == null ? null : new String(bytes.getBytes(), StandardCharsets.UTF_8);
  }
}
