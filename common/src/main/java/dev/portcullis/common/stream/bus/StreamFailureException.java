package dev.portcullis.common.stream.bus;

import dev.portcullis.common.error.GatewayError;

/** Reported by a {@link StreamReceiver} when its stream ends with a FAILURE frame or goes idle. */
public final class StreamFailureException extends RuntimeException {

  private final GatewayError error;

  public StreamFailureException(GatewayError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public GatewayError error() {
    return error;
  }
}
