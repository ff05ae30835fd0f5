package dev.portcullis.gateway.errors;

import dev.portcullis.common.error.GatewayError;
import io.vertx.core.buffer.Buffer;

/**
 * How one client API spells an error: the body of an error answer, and the event that ends a
 * stream that failed after its head was sent. Portcullis' own errors always reach the client in
 * the format of the API it called.
 */
public interface ApiErrorFormat {

  Buffer body(GatewayError error);

  String contentType();

  /** The bytes that end a started stream with this error, in the stream's own framing. */
  Buffer streamEvent(GatewayError error);
}
