package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two streams on one HTTP/2 connection: the client stops reading the first, a large one, and the
 * second still flows to its end while the first stays stalled; then the first is read and is whole.
 * Each stream's response obeys its own flow-control window (the gateway's stream relay waits on the
 * stream's write queue, which Vert.x's HTTP/2 response keeps per stream), so a slow reader holds up
 * only its own upstream.
 */
@Timeout(60)
class Http2FlowControlTest {

  private static final int CHUNK = 16 * 1024;
  // 32 MiB: more than every window and socket buffer between the two ends can hold (loopback TCP
  // buffers grow to several MiB each; at 8 MiB the whole stream sometimes fitted and never stalled).
  private static final int CHUNKS = 2048;

  @Test
  void aStalledStreamDoesNotHoldUpAnotherOnTheSameConnection() throws Exception {
    Vertx vertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(vertx);
    AtomicLong written = new AtomicLong();
    SseScript trickle = SseScript.create();
    for (int i = 0; i < 10; i++) {
      trickle.data("{\"n\":" + i + "}").delay(30);
    }
    trickle.data("[DONE]");
    upstream.on("POST", "/v1/chat/completions", (request, body) -> {
      if (body.toString().contains("\"big\"")) {
        HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
        writeWhileAccepted(response, written);
      } else {
        trickle.respond(request, body);
      }
    });
    PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")));
    // One connection for both streams; its connection-level window large enough that only the
    // per-stream windows can hold anything up.
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setHttp2MultiplexingLimit(10)
        .setHttp2ConnectionWindowSize(32 * 1024 * 1024)
        .setDefaultHost("127.0.0.1").setDefaultPort(portcullis.port()), new PoolOptions().setHttp2MaxSize(1));
    try {
      AtomicLong bigReceived = new AtomicLong();
      CompletableFuture<Void> bigEnded = new CompletableFuture<>();
      // Paused as it arrives: the client reads nothing of it.
      HttpClientResponse big = client.request(chat()).compose(r -> r.send(body("big"))).map(response -> {
        response.handler(buffer -> bigReceived.addAndGet(buffer.length()));
        response.endHandler(v -> bigEnded.complete(null));
        response.pause();
        return response;
      }).await();
      // The big stream fills every buffer on its way and its upstream is told to wait.
      long stalledAt = awaitStall(written);
      assertThat(stalledAt).as("the upstream is paused").isLessThan((long) CHUNK * CHUNKS);
      long bigBefore = bigReceived.get();

      HttpClientResponse small = client.request(chat()).compose(r -> r.send(body("small"))).await();
      Buffer smallBody = small.body().await();

      assertThat(small.request().connection()).isSameAs(big.request().connection());
      assertThat(small.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(small.statusCode()).isEqualTo(200);
      assertThat(smallBody.toString()).contains("{\"n\":9}").endsWith("data: [DONE]\n\n");
      assertThat(written.get()).as("the stalled stream stayed stalled").isEqualTo(stalledAt);
      assertThat(bigReceived.get()).isEqualTo(bigBefore);
      assertNoHopByHop(small);
      assertNoHopByHop(big);

      big.resume();
      bigEnded.get(30, TimeUnit.SECONDS);
      assertThat(bigReceived.get()).isEqualTo((long) CHUNK * CHUNKS + DONE.length());
      List<RecordedRequest> received = upstream.received();
      assertThat(received).hasSize(2);
      assertThat(received).extracting(r -> r.json().getString("model")).containsExactlyInAnyOrder("big", "small");
    } finally {
      client.close().await();
      portcullis.close();
      upstream.close();
      vertx.close().await();
    }
  }

  private static RequestOptions chat() {
    return new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/openai/chat/completions")
        .addHeader("Authorization", "Bearer sk-h2-flow").addHeader("content-type", "application/json");
  }

  private static String body(String model) {
    return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  }

  private static void assertNoHopByHop(HttpClientResponse response) {
    for (String name : List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te")) {
      assertThat(response.headers().contains(name)).as(name).isFalse();
    }
  }

  /** Waits until the upstream has written nothing for a second; returns how much it wrote. */
  private static long awaitStall(AtomicLong written) throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 40; i++) {
      Thread.sleep(1000);
      long now = written.get();
      if (now == last && now > 0) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("the upstream never stalled (" + written.get() + " bytes written)");
  }

  private static void writeWhileAccepted(HttpServerResponse response, AtomicLong written) {
    while (written.get() < (long) CHUNK * CHUNKS) {
      response.write(Buffer.buffer(new byte[CHUNK]));
      written.addAndGet(CHUNK);
      if (response.writeQueueFull()) {
        response.drainHandler(v -> writeWhileAccepted(response, written));
        return;
      }
    }
    // A chat stream ends with its last event; one that does not would end in an error event.
    response.end(DONE);
  }

  private static final String DONE = "\n\ndata: [DONE]\n\n";
}
