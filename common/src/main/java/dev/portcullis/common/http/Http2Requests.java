package dev.portcullis.common.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.List;

/**
 * What a server does first with each HTTP/2 request, where {@link ConnectionGuard}'s HTTP/1.1
 * watchers do not reach: tells the guard the connection's request arrived (its header deadline is
 * met), refuses more header fields than an HTTP/1.1 request may have (431), and keeps hop-by-hop
 * headers out of the response (RFC 9113, 8.2.2: a response carrying {@code Connection} or the like
 * is malformed, and clients such as Node's reject it). Those headers are set on answers that close
 * an HTTP/1.1 connection ({@code Connection: close}); HTTP/2 closes nothing there, each answer
 * ends only its own stream.
 */
public final class Http2Requests {

  /** Connection-specific header fields, never sent in an HTTP/2 response. */
  private static final List<String> HOP_BY_HOP = List.of(
      "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te");

  private Http2Requests() {}

  /**
   * For an HTTP/2 request: returns {@code true} when its handler may go on, {@code false} when it
   * has been answered here. An HTTP/1.x request is left alone (and {@code true}).
   */
  public static boolean admit(HttpServerRequest request, ServerLimits limits, ErrorPage errorPage) {
    if (request.version() != HttpVersion.HTTP_2) {
      return true;
    }
    ConnectionGuard.requestArrived(request);
    HttpServerResponse response = request.response();
    response.headersEndHandler(v -> dropHopByHop(response.headers()));
    if (request.headers().size() > limits.maxHeaderCount()) {
      ErrorPage.Page page = errorPage.render(request.uri(), 431,
          "The request has more than " + limits.maxHeaderCount() + " header fields.");
      response.setStatusCode(431).putHeader("content-type", page.contentType());
      page.headers().forEach(response::putHeader);
      response.end(io.vertx.core.buffer.Buffer.buffer(page.body()));
      return false;
    }
    return true;
  }

  /** Removes the connection-specific fields, those the {@code Connection} field names included. */
  static void dropHopByHop(MultiMap headers) {
    for (String named : headers.getAll("connection")) {
      for (String token : named.split(",")) {
        if (!token.isBlank()) {
          headers.remove(token.trim());
        }
      }
    }
    for (String name : HOP_BY_HOP) {
      headers.remove(name);
    }
  }
}
