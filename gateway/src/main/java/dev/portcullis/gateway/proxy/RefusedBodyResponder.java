package dev.portcullis.gateway.proxy;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.format.ApiErrorFormat;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers a request whose body was refused (too large, too slow, over the gateway-wide budget) and
 * closes its connection: the rest of the body is not read, so the connection cannot carry another
 * request. It is closed once the client has stopped sending, or after a short linger: closing
 * while its bytes still arrive would reset the connection, and a reset can destroy the answer
 * before the client reads it. The bytes that arrive meanwhile are dropped as they come, never
 * buffered.
 */
final class RefusedBodyResponder {

  /** How long a client that keeps sending is given before its connection is closed anyway. */
  static final long LINGER_MS = 1_000;

  private final Vertx vertx;
  private final long lingerMs;

  RefusedBodyResponder(Vertx vertx, long lingerMs) {
    this.vertx = vertx;
    this.lingerMs = lingerMs;
  }

  /** Answers with {@code Connection: close} (and {@code Retry-After} on a 503), then closes after the body. */
  void respond(HttpServerRequest request, HttpServerResponse response, ApiErrorFormat format, GatewayError refusal,
      String requestId) {
    response.putHeader("Connection", "close");
    if (refusal.kind() == ErrorKind.UNAVAILABLE) {
      response.putHeader("Retry-After", "1");
    }
    ErrorResponses.send(response, format, refusal, requestId).onComplete(written -> closeAfterBody(request));
  }

  private void closeAfterBody(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    if (request.isEnded()) {
      connection.close();
      return;
    }
    long linger = vertx.setTimer(lingerMs, t -> connection.close());
    request.endHandler(v -> {
      vertx.cancelTimer(linger);
      connection.close();
    });
    request.exceptionHandler(err -> vertx.cancelTimer(linger));
  }
}
