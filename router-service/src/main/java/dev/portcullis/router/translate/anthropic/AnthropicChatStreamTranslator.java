package dev.portcullis.router.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.router.translate.ChatStreamTranslator;
import dev.portcullis.router.translate.NativeStreamEvent;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.StreamStep;
import dev.portcullis.router.translate.openai.ChunkStream;
import dev.portcullis.router.translate.openai.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Anthropic Messages stream events ({@code message_start}, {@code content_block_*}, {@code message_delta}, ...) to OpenAI chunks. */
public final class AnthropicChatStreamTranslator implements ChatStreamTranslator {

  private final ChunkStream chunks;
  /** Anthropic content-block index to OpenAI tool-call index, for tool_use blocks only. */
  private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
  private int nextToolIndex;
  private long inputTokens;
  /** -1 until a usage report names them: not every Anthropic-format server reports cache counts. */
  private long cacheWriteTokens = -1;
  private long cacheReadTokens = -1;
  private long outputTokens;

  public AnthropicChatStreamTranslator(ResponseContext context) {
    this.chunks = new ChunkStream(context);
  }

  @Override
  public StreamStep onEvent(NativeStreamEvent event) {
    List<ObjectNode> out = new ArrayList<>();
    if (chunks.isFinished()) {
      return StreamStep.of(out);
    }
    JsonNode data = event.payload();
    String type = event.eventType() != null ? event.eventType() : Json.text(data, "type");
    if (type == null) {
      return StreamStep.of(out);
    }
    switch (type) {
      case "message_start":
        JsonNode message = data.path("message");
        chunks.identify(Json.text(message, "id"), Json.text(message, "model"));
        readUsage(message.path("usage"));
        chunks.start(out);
        break;
      case "content_block_start":
        JsonNode block = data.path("content_block");
        if ("tool_use".equals(Json.text(block, "type"))) {
          int toolIndex = nextToolIndex++;
          toolIndexByBlock.put(data.path("index").asInt(), toolIndex);
          chunks.toolCallStart(out, toolIndex, Json.text(block, "id"), Json.text(block, "name"), "");
        } else if ("text".equals(Json.text(block, "type"))) {
          chunks.content(out, Json.text(block, "text"));
        }
        break;
      case "content_block_delta":
        onDelta(data, out);
        break;
      case "message_delta":
        String stopReason = Json.text(data.path("delta"), "stop_reason");
        if (stopReason != null) {
          chunks.finishReason(AnthropicFinishReasons.toOpenAi(stopReason));
        }
        readUsage(data.path("usage"));
        break;
      case "error":
        chunks.fail();
        return StreamStep.failed(out, AnthropicErrorTranslator.fromStreamEvent(data));
      default:
        // ping, content_block_stop, message_stop and future event types carry nothing to emit;
        // the finish chunk is written by finish() once the stream has ended.
        break;
    }
    return StreamStep.of(out);
  }

  private void onDelta(JsonNode data, List<ObjectNode> out) {
    JsonNode delta = data.path("delta");
    switch (delta.path("type").asText()) {
      case "text_delta":
        chunks.content(out, Json.text(delta, "text"));
        break;
      case "thinking_delta":
        chunks.reasoning(out, Json.text(delta, "thinking"));
        break;
      case "input_json_delta":
        Integer toolIndex = toolIndexByBlock.get(data.path("index").asInt());
        if (toolIndex != null) {
          chunks.toolCallArguments(out, toolIndex, Json.text(delta, "partial_json"));
        }
        break;
      default:
        // signature and citation deltas have no OpenAI chunk field.
        break;
    }
  }

  /** Anthropic usage numbers are cumulative: later values replace earlier ones. */
  private void readUsage(JsonNode usage) {
    inputTokens = Json.longOr(usage, "input_tokens", inputTokens);
    cacheWriteTokens = Json.longOr(usage, "cache_creation_input_tokens", cacheWriteTokens);
    cacheReadTokens = Json.longOr(usage, "cache_read_input_tokens", cacheReadTokens);
    outputTokens = Json.longOr(usage, "output_tokens", outputTokens);
    chunks.usage(AnthropicUsage.toOpenAi(inputTokens, cacheWriteTokens, cacheReadTokens, outputTokens));
  }

  @Override
  public List<ObjectNode> finish() {
    return chunks.finish();
  }

  @Override
  public Usage usage() {
    return chunks.busUsage();
  }
}
