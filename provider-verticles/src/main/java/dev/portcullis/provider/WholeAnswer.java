package dev.portcullis.provider;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads an upstream answer whole. {@link HttpClientResponse#body()} copies every chunk into a
 * buffer of its own, though Vert.x already hands each chunk out as a copy the reader owns: here a
 * one-chunk answer (the usual JSON answer) is kept as it came, and later chunks are appended to it.
 * One copy of every answer body fewer, on the hot path of every non-streamed call.
 */
final class WholeAnswer {

  private WholeAnswer() {}

  static Future<Buffer> read(HttpClientResponse response) {
    Promise<Buffer> whole = Promise.promise();
    Buffer[] body = new Buffer[1];
    response.exceptionHandler(whole::tryFail);
    response.handler(chunk -> {
      if (body[0] == null) {
        body[0] = chunk;
      } else {
        body[0].appendBuffer(chunk);
      }
    });
    response.endHandler(v -> whole.tryComplete(body[0] == null ? Buffer.buffer() : body[0]));
    return whole.future();
  }
}
