package dev.portcullis.gateway.proxy;

import io.vertx.core.buffer.Buffer;

/**
 * The answer's bytes as the client got them, for an audited call (level {@code full}): a whole
 * answer, or a stream's chunks in order, kept up to a bound; what goes past it is counted, not
 * kept.
 */
final class AnswerCapture {

  private final int limit;
  private final Buffer bytes = Buffer.buffer();
  private boolean truncated;

  AnswerCapture(int limit) {
    this.limit = limit;
  }

  void add(Buffer chunk) {
    int room = limit - bytes.length();
    if (room <= 0) {
      truncated |= chunk.length() > 0;
      return;
    }
    if (chunk.length() > room) {
      bytes.appendBuffer(chunk, 0, room);
      truncated = true;
    } else {
      bytes.appendBuffer(chunk);
    }
  }

  Buffer bytes() {
    return bytes;
  }

  boolean truncated() {
    return truncated;
  }
}
