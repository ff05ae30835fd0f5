package dev.portcullis.common.stream.bus;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Frames of one streamed answer, producer to requester (docs/event-bus-api.md, "The stream protocol"): one
 * {@link Head} (the reply to the request), then {@link Data} frames in the upstream's order,
 * then exactly one {@link End} or {@link Failure}.
 */
public sealed interface StreamFrame {

  /**
   * Status and headers of the answer, and the address where the producer takes
   * {@link StreamControl} messages (credit and cancel).
   */
  record Head(int status, MultiMap headers, String controlAddress) implements StreamFrame {}

  /** Raw bytes, in the order the upstream sent them. */
  record Data(Buffer bytes) implements StreamFrame {
    @Override
    public String toString() {
      return "Data[" + bytes.length() + " bytes]";
    }
  }

  /**
   * The stream ended; usage when the stream reported it. {@code failed} says that the producer
   * ended the answer itself with an error event in the client's format (a translated stream's
   * mid-stream error): the bytes are complete as sent, but the call counts as failed.
   */
  record End(Usage usage, boolean failed) implements StreamFrame {

    /** A stream that ended normally. */
    public End(Usage usage) {
      this(usage, false);
    }

    /** A stream that the producer ended with an error event of its own. */
    public static End failed(Usage usage) {
      return new End(usage, true);
    }
  }

  /** The stream failed after its head was sent. */
  record Failure(dev.portcullis.common.error.GatewayError error) implements StreamFrame {
    public static Failure of(GatewayError error) {
      return new Failure(error);
    }
  }
}
