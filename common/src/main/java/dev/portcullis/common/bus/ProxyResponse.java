package dev.portcullis.common.bus;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A complete (non-streamed) answer of a provider verticle: the upstream's status, the response
 * headers a client may see, the body bytes as the upstream sent them, and the usage read from it.
 */
public record ProxyResponse(int status, MultiMap headers, Buffer body, Usage usage) {

  @Override
  public String toString() {
    return "ProxyResponse[" + status + ", " + (body == null ? 0 : body.length()) + " bytes, " + usage + "]";
  }
}
