package dev.portcullis.gateway.proxy;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.format.ApiErrorFormat;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * Answers a request whose body was refused (too large, too slow, over the gateway-wide budget) and
 * ends what carried the body. The bytes that arrive meanwhile are dropped as they come, never
 * buffered.
 *
 * <p>In HTTP/1.x the rest of the body is not read, so the connection cannot carry another request:
 * it is closed once the client has stopped sending, or after a short linger (closing while its
 * bytes still arrive would reset the connection, and a reset can destroy the answer before the
 * client reads it).
 *
 * <p>In HTTP/2 only the call's stream ends: once the whole answer is sent, a body still arriving is
 * stopped with {@code RST_STREAM NO_ERROR}, which RFC 9113 (section 8.1) gives a server for exactly
 * this (the client keeps the answer), and the connection's other calls go on. Closing the
 * connection instead would fail every other call on it.
 */
final class RefusedBodyResponder {

  /** How long a client that keeps sending is given before its connection is closed anyway. */
  static final long LINGER_MS = 1_000;
  /** HTTP/2's error code for "stop sending, nothing went wrong" (RFC 9113, section 7). */
  private static final long NO_ERROR = 0;

  private final Vertx vertx;
  private final long lingerMs;

  RefusedBodyResponder(Vertx vertx, long lingerMs) {
    this.vertx = vertx;
    this.lingerMs = lingerMs;
  }

  /**
   * Answers (with {@code Retry-After} on a 503), then ends the body's stream in HTTP/2 and closes the
   * connection in HTTP/1.x, with {@code Connection: close} on the answer.
   */
  void respond(HttpServerRequest request, HttpServerResponse response, ApiErrorFormat format, GatewayError refusal,
      String requestId) {
    if (refusal.kind() == ErrorKind.UNAVAILABLE) {
      response.putHeader("Retry-After", "1");
    }
    if (request.version() == HttpVersion.HTTP_2) {
      ErrorResponses.send(response, format, refusal, requestId).onComplete(written -> {
        if (!request.isEnded()) {
          response.reset(NO_ERROR);
        }
      });
      return;
    }
    Closing closing = new Closing(request.connection());
    // A body that already ended needs no handlers (Vert.x refuses them on an ended request, and
    // the refusal would then never be answered); the answer's completion closes the connection.
    if (!request.isEnded()) {
      // Listened for before the answer goes out, so the body's end is seen whenever it comes.
      request.endHandler(v -> closing.bodyEnded());
      // A body that breaks off (a reset, a timeout) ends it too: the connection is of no more use.
      request.exceptionHandler(err -> closing.bodyEnded());
    }
    response.putHeader("Connection", "close");
    ErrorResponses.send(response, format, refusal, requestId)
        .onComplete(written -> closing.answered(request.isEnded()));
  }

  /** One refused request's connection: closed once it is answered and its body is over, or after the linger. */
  private final class Closing {

    private final HttpConnection connection;
    private boolean bodyEnded;
    private boolean answered;
    private boolean closed;
    private long linger = -1;

    Closing(HttpConnection connection) {
      this.connection = connection;
    }

    void bodyEnded() {
      bodyEnded = true;
      if (answered) {
        close();
      }
    }

    void answered(boolean requestEnded) {
      answered = true;
      if (bodyEnded || requestEnded) {
        close();
      } else {
        linger = vertx.setTimer(lingerMs, t -> close());
      }
    }

    private void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (linger >= 0) {
        vertx.cancelTimer(linger);
      }
      connection.close();
    }
  }
}
