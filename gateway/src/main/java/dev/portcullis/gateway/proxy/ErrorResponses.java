package dev.portcullis.gateway.proxy;

import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.format.ApiErrorFormat;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;

/** Writes Portcullis' own errors in the called API's format. */
public final class ErrorResponses {

  private ErrorResponses() {}

  /** Writes the error; the future completes when it has been written (at once when nothing could be). */
  public static Future<Void> send(HttpServerResponse response, ApiErrorFormat format, GatewayError error,
      String requestId) {
    if (response.ended() || response.closed()) {
      return Future.succeededFuture();
    }
    if (response.headWritten()) {
      // A stream already started: its status cannot change, so end it with the API's error event.
      return response.end(format.streamEvent(error, response.headers().get("content-type")));
    }
    response.setStatusCode(error.status()).putHeader("content-type", format.contentType());
    format.headers(error).forEach(response::putHeader);
    if (requestId != null) {
      response.putHeader("x-portcullis-request-id", requestId);
    }
    return response.end(format.body(error));
  }
}
