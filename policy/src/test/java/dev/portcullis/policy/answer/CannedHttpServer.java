package dev.portcullis.policy.answer;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A local HTTP server that answers every request with one canned body, so an official SDK client
 * can read what a gate let through exactly as it would read it from the provider.
 */
final class CannedHttpServer implements AutoCloseable {

  private final HttpServer server;

  private CannedHttpServer(HttpServer server) {
    this.server = server;
  }

  static CannedHttpServer serving(String contentType, byte[] body) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      return new CannedHttpServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL, with {@code suffix} (for example {@code /v1}) appended. */
  String url(String suffix) {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + suffix;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
