package dev.portcullis.provider.usage;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.stream.sse.SseEvent;
import dev.portcullis.common.stream.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Usage of an OpenAI-format SSE stream. Chat Completions report it in the last chunk (when the
 * client asked with {@code stream_options.include_usage}); the Responses API in the
 * {@code response} object of its terminal event, with the cached-input and reasoning details
 * {@link OpenAiUsageReader} reads. Only events that mention usage are parsed; the model comes from
 * the first chunk that names one.
 */
public final class OpenAiStreamUsageObserver implements UsageObserver {

  private final SseParser parser = new SseParser(this::onEvent);
  private String model;
  private int modelAttempts;
  private long inputTokens = -1;
  private long outputTokens = -1;
  private long cachedInputTokens = -1;
  private long reasoningTokens = -1;
  private boolean lastEvent;
  /** Whether this stream's format has a last event ({@code [DONE]}, a Responses terminal event) to wait for. */
  private final boolean hasLastEvent;

  public OpenAiStreamUsageObserver() {
    this(false);
  }

  /** @param hasLastEvent whether a stream of this operation always ends with its last event */
  public OpenAiStreamUsageObserver(boolean hasLastEvent) {
    this.hasLastEvent = hasLastEvent;
  }

  /**
   * Whether streams of {@code operation} end with a last event of their own: chat and text
   * completions ({@code data: [DONE]}) and Responses (its terminal event). Audio streams end
   * otherwise and are not checked.
   */
  public static boolean endsWithLastEvent(String operation) {
    return "chat.completions".equals(operation) || "completions".equals(operation) || "responses".equals(operation);
  }

  @Override
  public void onData(Buffer chunk) {
    parser.feed(chunk);
  }

  @Override
  public Usage usage() {
    parser.finish();
    return new Usage(model, inputTokens, outputTokens, cachedInputTokens, -1, reasoningTokens);
  }

  @Override
  public boolean sawLastEvent() {
    return lastEvent || !hasLastEvent;
  }

  private void onEvent(SseEvent event) {
    String data = event.data();
    if (event.isDoneMarker()) {
      lastEvent = true;
      return;
    }
    boolean responsesTerminal = event.event() != null
        ? event.event().equals("response.completed") || event.event().equals("response.incomplete")
            || event.event().equals("response.failed")
        : data.contains("\"type\":\"response.completed\"") || data.contains("\"type\":\"response.incomplete\"")
            || data.contains("\"type\":\"response.failed\"");
    if (responsesTerminal || "error".equals(event.event()) || data.startsWith("{\"error\"")
        || data.contains("\"type\":\"error\"")) {
      // A Responses stream ends with its terminal event; any stream may end with an error event.
      lastEvent = true;
    }
    boolean mentionsUsage = data.contains("\"usage\"") && !data.contains("\"usage\":null")
        || responsesTerminal;
    // The model is named in the first chunk; do not parse every delta looking for it.
    if (!mentionsUsage && (model != null || modelAttempts++ >= 2)) {
      return;
    }
    Usage usage = OpenAiUsageReader.read(data.getBytes(StandardCharsets.UTF_8), responsesTerminal ? "response" : null);
    if (model == null && usage.model() != null) {
      model = usage.model();
    }
    if (usage.inputTokens() >= 0) {
      inputTokens = usage.inputTokens();
    }
    if (usage.outputTokens() >= 0) {
      outputTokens = usage.outputTokens();
    }
    if (usage.cachedInputTokens() >= 0) {
      cachedInputTokens = usage.cachedInputTokens();
    }
    if (usage.reasoningTokens() >= 0) {
      reasoningTokens = usage.reasoningTokens();
    }
  }
}
