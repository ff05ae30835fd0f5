package dev.portcullis.provider.bedrock;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.stream.eventstream.EventStreamDecoder;
import dev.portcullis.common.stream.eventstream.EventStreamFormatException;
import dev.portcullis.common.stream.eventstream.EventStreamFrame;
import dev.portcullis.provider.usage.UsageObserver;
import io.vertx.core.buffer.Buffer;

/**
 * Usage of a ConverseStream answer: its event-stream frames are decoded as they pass (a frame may
 * span reads, a read may hold several), and the counts come from the {@code metadata} event, which
 * follows {@code messageStop}. The relayed bytes are not touched; a frame that does not decode
 * ends the watching, not the stream, which reaches the client as it came.
 */
public final class ConverseStreamUsageObserver implements UsageObserver {

  private final EventStreamDecoder decoder = new EventStreamDecoder(this::onFrame);
  private final String model;
  private boolean broken;
  private Usage usage;

  /** @param model the requested model id: ConverseStream never names the model it used */
  public ConverseStreamUsageObserver(String model) {
    this.model = model;
    this.usage = new Usage(model, -1, -1);
  }

  @Override
  public void onData(Buffer chunk) {
    if (broken) {
      return;
    }
    try {
      decoder.feed(chunk);
    } catch (EventStreamFormatException e) {
      broken = true;
    }
  }

  @Override
  public Usage usage() {
    if (!broken) {
      try {
        decoder.end();
      } catch (EventStreamFormatException e) {
        broken = true;
      }
    }
    return usage;
  }

  private void onFrame(EventStreamFrame frame) {
    if ("event".equals(frame.message().messageType()) && "metadata".equals(frame.message().eventType())) {
      usage = BedrockUsageReader.read(frame.message().payload().getBytes()).withModelIfAbsent(model);
    }
  }
}
