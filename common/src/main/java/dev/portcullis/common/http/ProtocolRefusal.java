package dev.portcullis.common.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * A request refused for how it was sent, not for what it asks: the status it gets and a message
 * that names the limit. Thrown without a stack trace: these are a client's mistakes, not ours, and
 * are logged at DEBUG only.
 */
public final class ProtocolRefusal extends RuntimeException {

  private final int status;

  public ProtocolRefusal(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** The refusal for a request Netty's decoder could not read, by the cause it gave. */
  public static ProtocolRefusal of(Throwable cause) {
    if (cause instanceof ProtocolRefusal refusal) {
      return refusal;
    }
    if (cause instanceof TooLongHttpLineException) {
      return new ProtocolRefusal(414, "The request line (method, path and query) is longer than this server accepts.");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new ProtocolRefusal(431, "The request headers are larger than this server accepts.");
    }
    if (cause instanceof TooLongFrameException) {
      return new ProtocolRefusal(400, "A part of the request is longer than this server accepts.");
    }
    return new ProtocolRefusal(400, "The request is not valid HTTP/1.1 and could not be read.");
  }
}
