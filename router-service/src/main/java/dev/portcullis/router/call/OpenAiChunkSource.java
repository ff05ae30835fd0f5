package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.stream.sse.SseEvent;
import dev.portcullis.common.stream.sse.SseParser;
import dev.portcullis.router.translate.StreamStep;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI-compatible provider's chat stream read as chunks, for the Responses API over
 * providers that only speak chat completions. {@code data: [DONE]} ends the chunks: nothing after
 * it is read, as the OpenAI SDKs stop reading there. The usage chunk's counts, its cached and
 * reasoning details included, are the call's usage.
 */
final class OpenAiChunkSource implements ChunkSource {

  private final String provider;
  private final String model;
  private final SseParser sse = new SseParser(this::onEvent);
  private final List<ObjectNode> pending = new ArrayList<>();
  private ObjectNode error;
  private Usage usage = Usage.UNKNOWN;
  private boolean doneMarkerSeen;

  OpenAiChunkSource(String provider, String model) {
    this.provider = provider;
    this.model = model;
  }

  @Override
  public StreamStep feed(Buffer bytes) {
    if (error == null) {
      sse.feed(bytes);
    }
    return take();
  }

  @Override
  public StreamStep end() {
    if (error == null) {
      sse.finish();
    }
    return take();
  }

  @Override
  public Usage usage() {
    return usage;
  }

  private StreamStep take() {
    StreamStep step = error == null ? StreamStep.of(pending) : StreamStep.failed(pending, error);
    pending.clear();
    return step;
  }

  private void onEvent(SseEvent event) {
    String data = event.data();
    if (error != null || doneMarkerSeen || data == null || data.isBlank()) {
      return;
    }
    if (event.isDoneMarker()) {
      doneMarkerSeen = true;
      return;
    }
    JsonNode json = RouterJson.parseEvent(data);
    if (json == null || !json.isObject()) {
      error = StreamErrors.malformed(provider, "an event that is not a JSON object");
    } else if (json.has("error")) {
      error = (ObjectNode) json;
    } else {
      JsonNode reported = json.get("usage");
      if (reported != null && reported.isObject()) {
        usage = new Usage(model, count(reported.path("prompt_tokens")), count(reported.path("completion_tokens")),
            count(reported.path("prompt_tokens_details").path("cached_tokens")), -1,
            count(reported.path("completion_tokens_details").path("reasoning_tokens")));
      }
      pending.add((ObjectNode) json);
    }
  }

  /** A whole count, or -1 when it is absent, null or not a number. */
  private static long count(JsonNode node) {
    return node.isNumber() && node.canConvertToLong() ? node.asLong() : -1;
  }
}
