package dev.portcullis.provider.anthropic;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.stream.sse.SseEvent;
import dev.portcullis.common.stream.sse.SseParser;
import dev.portcullis.provider.usage.UsageObserver;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Usage of an Anthropic Messages stream: {@code message_start} names the model and the input
 * counts; each {@code message_delta} carries cumulative counts (output, and input when the
 * server revises it), so the last one wins. Only those two event types are parsed; content
 * deltas, pings and errors go by unread.
 */
public final class AnthropicStreamUsageObserver implements UsageObserver {

  private final SseParser parser = new SseParser(this::onEvent);
  private final AnthropicUsage usage = new AnthropicUsage();
  private boolean lastEvent;

  @Override
  public void onData(Buffer chunk) {
    parser.feed(chunk);
  }

  @Override
  public Usage usage() {
    parser.finish();
    return usage.toUsage();
  }

  @Override
  public boolean sawLastEvent() {
    return lastEvent;
  }

  private void onEvent(SseEvent event) {
    String type = event.event();
    if ("message_stop".equals(type) || "error".equals(type)) {
      lastEvent = true;
    }
    if ("message_start".equals(type)) {
      AnthropicUsageReader.into(event.data().getBytes(StandardCharsets.UTF_8), "message", usage);
    } else if ("message_delta".equals(type)) {
      AnthropicUsageReader.into(event.data().getBytes(StandardCharsets.UTF_8), null, usage);
    }
  }
}
