package dev.portcullis.provider.bedrock;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.stream.eventstream.EventStreamDecoder;
import dev.portcullis.common.stream.eventstream.EventStreamFormatException;
import dev.portcullis.common.stream.eventstream.EventStreamFrame;
import dev.portcullis.provider.usage.UsageObserver;
import io.vertx.core.buffer.Buffer;

/**
 * What Bedrock's two stream observers share: the answer's event-stream frames decoded as they pass
 * (a frame may span reads, a read may hold several) and handed to {@link #onFrame}. The relayed
 * bytes are not touched; a frame that does not decode ends the watching, not the stream, which
 * reaches the client as it came.
 */
abstract class EventStreamUsageObserver implements UsageObserver {

  private final EventStreamDecoder decoder = new EventStreamDecoder(this::onFrame);
  private boolean broken;

  @Override
  public final void onData(Buffer chunk) {
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
  public final Usage usage() {
    if (!broken) {
      try {
        decoder.end();
      } catch (EventStreamFormatException e) {
        broken = true;
      }
    }
    return counted();
  }

  /** One decoded frame of the answer. */
  abstract void onFrame(EventStreamFrame frame);

  /** The usage the frames seen so far reported. */
  abstract Usage counted();
}
