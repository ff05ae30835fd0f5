package dev.portcullis.gateway.proxy;

import dev.portcullis.common.error.GatewayError;
import dev.portcullis.gateway.errors.ApiErrorFormat;
import io.vertx.core.http.HttpServerResponse;

/** Writes Portcullis' own errors in the called API's format. */
public final class ErrorResponses {

  private ErrorResponses() {}

  public static void send(HttpServerResponse response, ApiErrorFormat format, GatewayError error, String requestId) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      // A stream already started: its status cannot change, so end it with the API's error event.
      response.end(format.streamEvent(error, response.headers().get("content-type")));
      return;
    }
    response.setStatusCode(error.status()).putHeader("content-type", format.contentType());
    format.headers(error).forEach(response::putHeader);
    if (requestId != null) {
      response.putHeader("x-portcullis-request-id", requestId);
    }
    response.end(format.body(error));
  }
}
