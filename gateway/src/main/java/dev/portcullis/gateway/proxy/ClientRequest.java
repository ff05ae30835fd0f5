package dev.portcullis.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

/**
 * What of the client's request goes into the call upstream, besides its body.
 *
 * @param method   the HTTP method
 * @param headers  the request's headers as received
 * @param rawQuery the raw query without {@code ?}, or {@code null}
 */
record ClientRequest(String method, MultiMap headers, String rawQuery) {

  static ClientRequest of(HttpServerRequest request) {
    return new ClientRequest(request.method().name(), request.headers(), request.query());
  }
}
