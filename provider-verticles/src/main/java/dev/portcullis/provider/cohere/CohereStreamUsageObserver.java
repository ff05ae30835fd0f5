package dev.portcullis.provider.cohere;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.stream.sse.SseEvent;
import dev.portcullis.common.stream.sse.SseParser;
import dev.portcullis.provider.usage.UsageObserver;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Usage of a Cohere v2 chat stream (SSE): only the {@code message-end} event reports it. The
 * event is recognised by its {@code event:} name, or by its {@code type} when a server leaves the
 * name out.
 */
public final class CohereStreamUsageObserver implements UsageObserver {

  private final SseParser parser = new SseParser(this::onEvent);
  private Usage usage = Usage.UNKNOWN;

  @Override
  public void onData(Buffer chunk) {
    parser.feed(chunk);
  }

  @Override
  public Usage usage() {
    parser.finish();
    return usage;
  }

  private void onEvent(SseEvent event) {
    boolean messageEnd = event.event() != null
        ? event.event().equals("message-end")
        : event.data().contains("\"message-end\"");
    if (messageEnd) {
      usage = CohereUsageReader.readMessageEnd(event.data().getBytes(StandardCharsets.UTF_8));
    }
  }
}
