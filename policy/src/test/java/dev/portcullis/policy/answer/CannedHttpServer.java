package dev.portcullis.policy.answer;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

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
    return serving(contentType, () -> body);
  }

  /** Answers each request with what {@code body} gives at that moment, so one server can serve many tests. */
  static CannedHttpServer serving(String contentType, Supplier<byte[]> bodies) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        exchange.getRequestBody().readAllBytes();
        byte[] body = bodies.get();
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
