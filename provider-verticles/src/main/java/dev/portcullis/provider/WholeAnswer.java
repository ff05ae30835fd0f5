package dev.portcullis.provider;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.impl.NoStackTraceTimeoutException;

/**
 * Reads an upstream answer whole. {@link HttpClientResponse#body()} copies every chunk into a
 * buffer of its own, though Vert.x already hands each chunk out as a copy the reader owns: here a
 * one-chunk answer (the usual JSON answer) is kept as it came, and later chunks are appended to it.
 * One copy of every answer body fewer, on the hot path of every non-streamed call.
 */
final class WholeAnswer {

  private WholeAnswer() {}

  /**
   * Reads the answer, failing with a {@link java.util.concurrent.TimeoutException} (and resetting
   * {@code upstream}) when no chunk comes for {@code idleMs}.
   */
  static Future<Buffer> read(HttpClientResponse response, Vertx vertx, long idleMs, HttpClientRequest upstream) {
    Promise<Buffer> whole = Promise.promise();
    Buffer[] body = new Buffer[1];
    SilenceWatch silence = SilenceWatch.start(vertx, idleMs, () -> {
      if (whole.tryFail(new NoStackTraceTimeoutException("silent upstream"))) {
        upstream.reset();
      }
    });
    response.exceptionHandler(err -> {
      silence.stop();
      whole.tryFail(err);
    });
    response.handler(chunk -> {
      silence.data(idleMs);
      if (body[0] == null) {
        body[0] = chunk;
      } else {
        body[0].appendBuffer(chunk);
      }
    });
    response.endHandler(v -> {
      silence.stop();
      whole.tryComplete(body[0] == null ? Buffer.buffer() : body[0]);
    });
    return whole.future();
  }
}
