package dev.portcullis.router.translate.bedrock;

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

/**
 * Bedrock ConverseStream messages (already decoded from the binary event stream) to OpenAI chunks
 * The usage arrives in {@code metadata}, after {@code messageStop}.
 */
public final class BedrockChatStreamTranslator implements ChatStreamTranslator {

  private final ChunkStream chunks;
  /** Converse content-block index to OpenAI tool-call index, for toolUse blocks only. */
  private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
  private int nextToolIndex;
  /** The tool block being streamed, for deltas that omit {@code contentBlockIndex}. */
  private Integer activeToolIndex;

  public BedrockChatStreamTranslator(ResponseContext context) {
    this.chunks = new ChunkStream(context);
  }

  @Override
  public StreamStep onEvent(NativeStreamEvent event) {
    List<ObjectNode> out = new ArrayList<>();
    if (chunks.isFinished()) {
      return StreamStep.of(out);
    }
    JsonNode payload = event.payload() == null ? Json.object() : event.payload();
    if (event.isException()) {
      chunks.fail();
      return StreamStep.failed(out, BedrockErrorTranslator.fromStreamException(event.exceptionType(), payload));
    }
    String type = event.eventType() == null ? "" : event.eventType();
    switch (type) {
      case "messageStart":
        chunks.start(out);
        break;
      case "contentBlockStart":
        JsonNode toolUse = payload.path("start").path("toolUse");
        if (!toolUse.isMissingNode()) {
          int toolIndex = nextToolIndex++;
          toolIndexByBlock.put(payload.path("contentBlockIndex").asInt(), toolIndex);
          activeToolIndex = toolIndex;
          chunks.toolCallStart(out, toolIndex, Json.text(toolUse, "toolUseId"), Json.text(toolUse, "name"), "");
        }
        break;
      case "contentBlockDelta":
        JsonNode delta = payload.path("delta");
        if (delta.has("text")) {
          chunks.content(out, delta.get("text").asText());
        } else if (delta.has("toolUse")) {
          Integer toolIndex =
              payload.has("contentBlockIndex")
                  ? toolIndexByBlock.get(payload.get("contentBlockIndex").asInt())
                  : activeToolIndex;
          if (toolIndex != null) {
            chunks.toolCallArguments(out, toolIndex, Json.text(delta.get("toolUse"), "input"));
          }
        } else if (delta.has("reasoningContent")) {
          chunks.reasoning(out, Json.text(delta.get("reasoningContent"), "text"));
        }
        break;
      case "contentBlockStop":
        activeToolIndex = null;
        break;
      case "messageStop":
        chunks.finishReason(BedrockFinishReasons.toOpenAi(Json.text(payload, "stopReason")));
        break;
      case "metadata":
        if (payload.has("usage")) {
          chunks.usage(BedrockUsage.toOpenAi(payload.get("usage")));
        }
        break;
      default:
        // future event types need no chunk.
        break;
    }
    return StreamStep.of(out);
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
