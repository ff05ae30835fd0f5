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

  @Override
  public void onData(Buffer chunk) {
    parser.feed(chunk);
  }

  @Override
  public Usage usage() {
    parser.finish();
    return new Usage(model, inputTokens, outputTokens, cachedInputTokens, -1, reasoningTokens);
  }

  private void onEvent(SseEvent event) {
    String data = event.data();
    if (event.isDoneMarker()) {
      return;
    }
    boolean responsesTerminal = event.event() != null
        ? event.event().equals("response.completed") || event.event().equals("response.incomplete")
            || event.event().equals("response.failed")
        : data.contains("\"type\":\"response.completed\"") || data.contains("\"type\":\"response.incomplete\"");
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
