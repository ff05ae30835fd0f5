package dev.portcullis.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The one place the connection guard reads a Vert.x field by reflection (the listening socket,
 * which Vert.x 5.0.7 does not expose): it works with the Vert.x in use (a Vert.x upgrade that moves
 * the field fails here), and a Vert.x where it does not work leaves HTTP/2 in clear off with one
 * clear WARN line while HTTP/1.1 is served and guarded as before.
 */
class ListeningChannelTest {

  private static final ServerLimits LIMITS = new ServerLimits(10_000, 60_000, 8192, 32 * 1024, 100);
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private HttpServer guarded(HttpServerOptions options) {
    HttpServer server = vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0));
    ConnectionGuard.install(server, LIMITS, (uri, status, message) -> new ErrorPage.Page("text/plain",
        message.getBytes(StandardCharsets.UTF_8), Map.of()), "test");
    return server.requestHandler(request -> request.response().end("ok")).listen().await();
  }

  @Test
  void theListeningSocketOfThisVertxIsReached() {
    assertThat(ConnectionGuard.canWatchAccepts()).as("Vert.x keeps its listening socket where it is looked for").isTrue();
    HttpServer server = guarded(LIMITS.applyWithHttp2To(new HttpServerOptions(), 60_000));

    Channel listening = ListeningChannel.of(server);

    assertThat(listening).isNotNull();
    assertThat(((InetSocketAddress) listening.localAddress()).getPort()).isEqualTo(server.actualPort());
    assertThat(ConnectionGuard.watchAccepts(server)).isTrue();
  }

  @Test
  void aVertxThatKeepsItElsewhereLeavesH2cOffAndHttp11GuardedWithOneWarnLine() throws Exception {
    assertThat(ListeningChannel.reachable("io.vertx.core.http.impl.NoSuchServer", "io.vertx.core.net.impl.NetServerImpl"))
        .isFalse();
    assertThat(ListeningChannel.reachable("io.vertx.core.http.impl.HttpServerImpl", "java.lang.Object")).isFalse();
    HttpServer notVertxs = (HttpServer) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HttpServer.class}, (proxy, method, args) -> switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> null;
        });
    assertThat(ListeningChannel.of(notVertxs)).isNull();
    assertThat(ConnectionGuard.watchAccepts(notVertxs)).isFalse();

    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger logger = (Logger) LoggerFactory.getLogger(ServerLimits.class);
    logger.addAppender(logged);
    HttpServerOptions options;
    try {
      options = LIMITS.applyWithHttp2To(new HttpServerOptions(), 60_000, false);
    } finally {
      logger.detachAppender(logged);
    }

    assertThat(options.isHttp2ClearTextEnabled()).isFalse();
    assertThat(logged.list).hasSize(1);
    assertThat(logged.list.get(0).getLevel().toString()).isEqualTo("WARN");
    assertThat(logged.list.get(0).getFormattedMessage()).contains("HTTP/2 in clear (h2c) is off");
    HttpServer server = guarded(options);
    assertThat(exchange(server.actualPort(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
    // The first request of a connection is still checked: too many header fields are refused.
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 150; i++) {
      many.append("x-h").append(i).append(": v\r\n");
    }
    assertThat(exchange(server.actualPort(), many.append("\r\n").toString())).startsWith("HTTP/1.1 431");
  }

  private static String exchange(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
      }
      return head.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
