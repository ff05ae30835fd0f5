package dev.portcullis.provider.gemini;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.stream.jsonarray.JsonArrayStreamSplitter;
import dev.portcullis.common.stream.jsonarray.JsonStreamFormatException;
import dev.portcullis.common.stream.sse.SseEvent;
import dev.portcullis.common.stream.sse.SseParser;
import dev.portcullis.provider.usage.UsageObserver;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Usage of a Gemini {@code :streamGenerateContent} answer, in either framing: SSE ({@code alt=sse})
 * or one JSON array written element by element. Every chunk carries the cumulative
 * {@code usageMetadata} so far (cached and thought counts included, read by
 * {@link GeminiUsageReader}); the last one wins. Only chunks that mention it are parsed.
 * Watching never disturbs the relay: bytes it cannot frame end the watching, not the stream.
 */
public final class GeminiStreamUsageObserver implements UsageObserver {

  private final Consumer<Buffer> framer;
  private final Runnable finisher;
  private boolean broken;
  private String model;
  private long inputTokens = -1;
  private long outputTokens = -1;
  private long cachedInputTokens = -1;
  private long reasoningTokens = -1;

  private GeminiStreamUsageObserver(boolean sse) {
    if (sse) {
      SseParser parser = new SseParser(this::onEvent);
      framer = parser::feed;
      finisher = parser::finish;
    } else {
      JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(this::onElement);
      framer = splitter::feed;
      finisher = splitter::end;
    }
  }

  /** An observer for an SSE stream ({@code alt=sse}) or, with {@code sse} false, a JSON array stream. */
  public static GeminiStreamUsageObserver of(boolean sse) {
    return new GeminiStreamUsageObserver(sse);
  }

  @Override
  public void onData(Buffer chunk) {
    if (broken) {
      return;
    }
    try {
      framer.accept(chunk);
    } catch (JsonStreamFormatException | IllegalStateException e) {
      broken = true;
    }
  }

  @Override
  public Usage usage() {
    if (!broken) {
      try {
        finisher.run();
      } catch (JsonStreamFormatException | IllegalStateException e) {
        // A stream cut off before its last chunk: report what was seen.
        broken = true;
      }
    }
    return new Usage(model, inputTokens, outputTokens, cachedInputTokens, -1, reasoningTokens);
  }

  private void onEvent(SseEvent event) {
    String data = event.data();
    if (data.contains("\"usageMetadata\"")) {
      take(GeminiUsageReader.read(data.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private void onElement(Buffer element) {
    byte[] bytes = element.getBytes();
    // A cheap look before parsing: most chunks of a long answer are text deltas.
    if (element.toString(StandardCharsets.UTF_8).contains("\"usageMetadata\"")) {
      take(GeminiUsageReader.read(bytes));
    }
  }

  private void take(Usage usage) {
    if (usage.model() != null) {
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
