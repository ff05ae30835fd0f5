package dev.portcullis.common.error;

/** Carries a {@link GatewayError} through a failed {@code Future}. No stack trace: it is a value. */
public final class GatewayException extends RuntimeException {

  private final GatewayError error;

  public GatewayException(GatewayError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public GatewayError error() {
    return error;
  }
}
