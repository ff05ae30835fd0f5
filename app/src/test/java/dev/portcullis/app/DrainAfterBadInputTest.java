package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every request that was matched to a route is counted in flight until it ends, however it ends:
 * after a volley of malformed and abandoned requests, stopping (SIGTERM's drain) finishes at once
 * instead of waiting out the whole drain time for calls that will never end.
 */
class DrainAfterBadInputTest {

  private static final String CHAT = "/v1/openai/chat/completions";

  @Test
  void drainCompletesAtOnceAfterBadRequests() throws Exception {
    Vertx upstreamVertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(upstreamVertx);
    PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "PORTCULLIS_DRAIN_TIMEOUT_MS", "30000"));
    try {
      int port = portcullis.port();
      String head = "POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\n";
      RawHttp.exchange(port, "POST " + CHAT + "?a=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b", 3_000);
      RawHttp.exchange(port, "GET /v1 HTTP/1.1\r\nHost: x\r\n\r\n", 3_000);
      RawHttp.exchange(port, head + "Content-Type: application/json\r\nExpect: nope\r\nContent-Length: 2\r\n\r\n{}",
          3_000);
      RawHttp.exchange(port, head + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "2\r\n{}\r\nqq\r\n", 3_000);
      RawHttp.exchange(port, "GET /v1/openai/models HTTP/9.9\r\nHost: x\r\n\r\n", 3_000);
      // A client that sends half its body and goes away.
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = socket.getOutputStream();
        out.write((head + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"model\":")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(200);
      }
      Thread.sleep(300);

      long started = System.nanoTime();
      Future<Void> stopped = portcullis.portcullis().stop();
      stopped.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(tookMs).as("nothing is left in flight, so the drain does not wait").isLessThan(5_000);
      assertThat(upstream.received()).isEmpty();
    } finally {
      upstream.close();
      upstreamVertx.close().await();
    }
  }
}
