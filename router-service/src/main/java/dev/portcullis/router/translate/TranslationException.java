package dev.portcullis.router.translate;

import dev.portcullis.common.error.GatewayError;

/**
 * A client request that cannot be expressed in the target provider's API. It always becomes a 400
 * naming the offending field, because silently dropping content would change what the model sees.
 */
public final class TranslationException extends RuntimeException {

  private final GatewayError error;

  public TranslationException(String message, String param) {
    super(message, null, false, false);
    this.error = GatewayError.invalidRequest(message, param);
  }

  public GatewayError error() {
    return error;
  }
}
