package dev.portcullis.provider.bedrock;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.stream.eventstream.EventStreamFrame;
import dev.portcullis.provider.usage.UsageObserver;

/**
 * Usage of a ConverseStream answer: its event-stream frames are decoded as they pass (a frame may
 * span reads, a read may hold several), and the counts come from the {@code metadata} event, which
 * follows {@code messageStop}. The relayed bytes are not touched; a frame that does not decode
 * ends the watching, not the stream, which reaches the client as it came.
 */
public final class ConverseStreamUsageObserver extends EventStreamUsageObserver {

  private final String model;
  private Usage usage;

  /** @param model the requested model id: ConverseStream never names the model it used */
  public ConverseStreamUsageObserver(String model) {
    this.model = model;
    this.usage = new Usage(model, -1, -1);
  }

  @Override
  Usage counted() {
    return usage;
  }

  @Override
  void onFrame(EventStreamFrame frame) {
    if ("event".equals(frame.message().messageType()) && "metadata".equals(frame.message().eventType())) {
      usage = BedrockUsageReader.read(frame.message().payload().getBytes()).withModelIfAbsent(model);
    }
  }
}
