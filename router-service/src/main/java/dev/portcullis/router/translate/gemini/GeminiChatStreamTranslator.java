package dev.portcullis.router.translate.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.router.translate.ChatStreamTranslator;
import dev.portcullis.router.translate.NativeStreamEvent;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.StreamStep;
import dev.portcullis.router.translate.openai.ChunkStream;
import dev.portcullis.router.translate.openai.IdMinter;
import dev.portcullis.router.translate.openai.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini streamGenerateContent chunks (SSE, {@code alt=sse}) to OpenAI chunks. Each chunk holds
 * only new parts; function calls arrive whole, so each becomes one complete tool-call delta.
 */
public final class GeminiChatStreamTranslator implements ChatStreamTranslator {

  private final ChunkStream chunks;
  private final IdMinter ids;
  private int nextToolIndex;
  private String nativeFinishReason;
  private boolean promptBlocked;

  public GeminiChatStreamTranslator(ResponseContext context, IdMinter ids) {
    this.chunks = new ChunkStream(context);
    this.ids = ids;
  }

  @Override
  public StreamStep onEvent(NativeStreamEvent event) {
    List<ObjectNode> out = new ArrayList<>();
    JsonNode data = event.payload();
    if (chunks.isFinished() || data == null) {
      return StreamStep.of(out);
    }
    if (data.has("error")) {
      chunks.fail();
      return StreamStep.failed(out, GeminiErrorTranslator.fromStreamChunk(data.get("error")));
    }
    chunks.identify(Json.text(data, "responseId"), Json.text(data, "modelVersion"));
    chunks.start(out);
    JsonNode candidate = data.path("candidates").path(0);
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.has("functionCall")) {
        JsonNode call = part.get("functionCall");
        String id = GeminiToolCallIds.withSignature(ids.mint("call_"), Json.text(part, "thoughtSignature"));
        chunks.toolCallStart(out, nextToolIndex++, id, Json.text(call, "name"), Json.write(call.path("args")));
      } else if (part.has("text")) {
        if (part.path("thought").asBoolean(false)) {
          chunks.reasoning(out, part.get("text").asText());
        } else {
          chunks.content(out, part.get("text").asText());
        }
      }
    }
    if (Json.has(candidate, "finishReason")) {
      nativeFinishReason = candidate.get("finishReason").asText();
    }
    if (candidate.isMissingNode() && Json.has(data.path("promptFeedback"), "blockReason")) {
      promptBlocked = true;
    }
    if (data.has("usageMetadata")) {
      // usageMetadata is cumulative: the last one seen is the answer's total.
      chunks.usage(GeminiUsage.toOpenAi(data.get("usageMetadata")));
    }
    return StreamStep.of(out);
  }

  @Override
  public List<ObjectNode> finish() {
    chunks.finishReason(
        promptBlocked ? "content_filter" : GeminiFinishReasons.toOpenAi(nativeFinishReason, nextToolIndex > 0));
    return chunks.finish();
  }

  @Override
  public Usage usage() {
    return chunks.busUsage();
  }
}
