package dev.portcullis.testkit;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.buffer.Buffer;

/** Answers one request a test upstream received, with its body already read. */
@FunctionalInterface
public interface UpstreamResponder {
  void respond(HttpServerRequest request, Buffer body);
}
