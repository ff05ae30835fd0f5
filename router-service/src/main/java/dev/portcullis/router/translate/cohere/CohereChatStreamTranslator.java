package dev.portcullis.router.translate.cohere;

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
import java.util.List;

/** Cohere v2 chat stream events ({@code message-start}, {@code content-delta}, {@code tool-call-*}, ...) to OpenAI chunks. */
public final class CohereChatStreamTranslator implements ChatStreamTranslator {

  private final ChunkStream chunks;

  public CohereChatStreamTranslator(ResponseContext context) {
    this.chunks = new ChunkStream(context);
  }

  @Override
  public StreamStep onEvent(NativeStreamEvent event) {
    List<ObjectNode> out = new ArrayList<>();
    JsonNode data = event.payload();
    if (chunks.isFinished() || data == null) {
      return StreamStep.of(out);
    }
    String type = event.eventType() != null ? event.eventType() : Json.text(data, "type");
    JsonNode message = data.path("delta").path("message");
    switch (type == null ? "" : type) {
      case "message-start":
        chunks.identify(Json.text(data, "id"), null);
        chunks.start(out);
        break;
      case "content-delta":
        JsonNode content = message.path("content");
        if (content.has("thinking")) {
          chunks.reasoning(out, Json.text(content, "thinking"));
        } else {
          chunks.content(out, Json.text(content, "text"));
        }
        break;
      case "tool-call-start":
        // Cohere sends one tool-call object here, not an array; its index is the call's index.
        JsonNode call = message.path("tool_calls");
        chunks.toolCallStart(
            out,
            data.path("index").asInt(),
            Json.text(call, "id"),
            Json.text(call.path("function"), "name"),
            Json.text(call.path("function"), "arguments"));
        break;
      case "tool-call-delta":
        chunks.toolCallArguments(
            out, data.path("index").asInt(), Json.text(message.path("tool_calls").path("function"), "arguments"));
        break;
      case "message-end":
        JsonNode delta = data.path("delta");
        if (delta.has("usage")) {
          chunks.usage(CohereUsage.toOpenAi(delta.get("usage")));
        }
        String error = Json.text(delta, "error");
        if (error != null && !error.isEmpty()) {
          chunks.fail();
          return StreamStep.failed(out, CohereErrorTranslator.fromStreamEnd(error));
        }
        chunks.finishReason(CohereFinishReasons.toOpenAi(Json.text(delta, "finish_reason")));
        break;
      default:
        // content-start/end, tool-plan-delta, tool-call-end, citations and debug carry nothing
        // an OpenAI chunk can hold.
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
