package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.usage.UsageRecord;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Builds the usage record of a finished call and hands it to the ledger's shipper. A client that
 * went away is recorded as {@code cancelled}, with whatever usage was known by then.
 */
final class UsageRecords {

  /** Bodies that are not UTF-8 text (Bedrock's binary event streams) are kept as base64 behind this. */
  static final String BASE64_PREFIX = "base64:";

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
        audit));
  }

  /** UTF-8 text as it is; anything else as base64, so that no byte is changed or lost. */
  static String text(Buffer bytes) {
    if (bytes == null) {
      return null;
    }
    byte[] raw = bytes.getBytes();
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException binary) {
      return BASE64_PREFIX + Base64.getEncoder().encodeToString(raw);
    }
  }
}
