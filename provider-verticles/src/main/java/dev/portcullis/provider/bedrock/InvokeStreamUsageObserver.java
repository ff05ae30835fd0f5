package dev.portcullis.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.stream.eventstream.EventStreamFrame;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import dev.portcullis.provider.usage.UsageObserver;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Usage of an InvokeModelWithResponseStream answer. Its event-stream frames are {@code chunk}
 * events whose payload {@code {"bytes":"<base64>"}} holds one event of the model's own stream
 * format. Bedrock adds {@code amazon-bedrock-invocationMetrics} to the last of them, with the
 * counts of the whole call for every model: those win. Until they come (or when a stream is cut
 * before them), the usage Anthropic models report in their {@code message_start} and cumulative
 * {@code message_delta} events stands in.
 *
 * <p>As for ConverseStream, the relayed bytes are not touched, and a frame that does not decode
 * ends the watching, not the stream; a chunk that is not base64 JSON is passed over.
 */
public final class InvokeStreamUsageObserver extends EventStreamUsageObserver {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String INVOCATION_METRICS = "amazon-bedrock-invocationMetrics";

  private final String model;
  private final BedrockTokenCounts invocationMetrics = new BedrockTokenCounts();
  private final BedrockTokenCounts modelReported = new BedrockTokenCounts();

  /** @param model the requested model id, which the usage is reported under */
  public InvokeStreamUsageObserver(String model) {
    this.model = model;
  }

  @Override
  Usage counted() {
    BedrockTokenCounts counts = invocationMetrics.known() ? invocationMetrics : modelReported;
    return counts.toUsage().withModelIfAbsent(model);
  }

  @Override
  void onFrame(EventStreamFrame frame) {
    EventStreamMessage message = frame.message();
    if (!"event".equals(message.messageType()) || !"chunk".equals(message.eventType())) {
      return;
    }
    JsonNode event = modelEvent(message.payload());
    if (event == null) {
      return;
    }
    invocationMetrics.merge(event.get(INVOCATION_METRICS));
    // Anthropic: message_start carries the message with its usage; message_delta the usage so far.
    JsonNode nested = event.get("message");
    if (nested != null && nested.isObject()) {
      modelReported.merge(nested.get("usage"));
    }
    modelReported.merge(event.get("usage"));
  }

  /**
   * The model's event inside a chunk's payload, or {@code null} when the payload is not
   * {@code {"bytes":"<base64 JSON>"}} or the event names no count: text deltas, the bulk of a
   * stream, are decoded but not parsed.
   */
  private static JsonNode modelEvent(Buffer payload) {
    try {
      JsonNode bytes = MAPPER.readTree(payload.getBytes()).get("bytes");
      if (bytes == null || !bytes.isTextual()) {
        return null;
      }
      byte[] decoded = Base64.getDecoder().decode(bytes.asText());
      String text = new String(decoded, StandardCharsets.UTF_8);
      if (!text.contains("\"usage\"") && !text.contains(INVOCATION_METRICS)) {
        return null;
      }
      JsonNode event = MAPPER.readTree(decoded);
      return event != null && event.isObject() ? event : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
