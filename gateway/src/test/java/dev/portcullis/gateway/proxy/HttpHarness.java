package dev.portcullis.gateway.proxy;

import dev.portcullis.testkit.ClientContext;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.buffer.Buffer;

/** A real HTTP server whose requests a test handles, and a client to call it, for classes that write to a response. */
final class HttpHarness implements AutoCloseable {

  /** One answer as the client read it. */
  record Answer(HttpClientResponse response, Buffer body) {}

  final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final HttpClient client;
  private final ClientContext calls;

  HttpHarness(Handler<HttpServerRequest> handler) {
    // HTTP/1.1 only, as the classes under test are used: Vert.x's own h2c detection (on by default)
    // sometimes closed a raw client's POST sent in one segment without an answer, which the gateway
    // avoids by watching a connection's first bytes itself (ConnectionGuard).
    this.server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .requestHandler(handler).listen(0, "127.0.0.1").await();
    this.client = vertx.createHttpClient();
    this.calls = new ClientContext(vertx);
  }

  int port() {
    return server.actualPort();
  }

  Answer post(String path, String body) {
    return calls.call(() -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
            .setPort(port()).setURI(path))
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(bytes -> new Answer(response, bytes))))
        .await();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
