package dev.portcullis.router.call;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * What the router does to one streamed answer on its way from a provider verticle to the gateway:
 * bytes in, bytes out, one DATA frame at a time, so nothing waits for the end of the stream.
 */
interface StreamTransform {

  /** The headers the client gets, from the provider's. */
  MultiMap headers(MultiMap providerHeaders);

  /** The bytes to send on for one DATA frame of the provider (possibly none). */
  Buffer onData(Buffer bytes);

  /** Whether the answer ended itself (an error event was written): the provider stream is then cancelled. */
  boolean ended();

  /**
   * Whether the bytes sent on end with an error event of the client's format (written by the
   * sink): the stream's END frame then says the call failed, although the bytes end cleanly.
   */
  default boolean failed() {
    return false;
  }

  /** The closing bytes once the provider's stream ended normally. */
  Buffer onEnd();

  /**
   * The closing bytes after the provider's stream failed midway, or {@code null} to end the
   * stream with a FAILURE frame that the gateway renders itself.
   */
  Buffer onFailure(GatewayError error);

  /** Usage for metrics; {@code reported} is what the provider's END frame said. */
  Usage usage(Usage reported);
}
