package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streams are relayed as they are produced, cancelled when the client leaves, and paced by the client. */
class StreamingBehaviourTest {

  private static final String CHAT = "/v1/chat/completions";
  private static final String BODY = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")));
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  private static HttpRequest chatRequest() {
    return HttpRequest.newBuilder().uri(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer sk-stream-test").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
  }

  @Test
  void firstChunkReachesTheClientWhileTheUpstreamHoldsBackTheRest() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("Hello", " world"), 5, 2);
    SseScript script = SseScript.create().data(chunks.get(0)).data(chunks.get(1)).gate("rest");
    chunks.subList(2, chunks.size()).forEach(script::data);
    script.data("[DONE]");
    upstream.on("POST", CHAT, script);

    HttpResponse<InputStream> response = HTTP.send(chatRequest(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    // Both chunks written before the gate arrive although the upstream has not finished.
    assertThat(reader.readLine()).isEqualTo("data: " + chunks.get(0));
    assertThat(reader.readLine()).isEmpty();
    assertThat(reader.readLine()).isEqualTo("data: " + chunks.get(1));
    assertThat(script.finished()).isNotDone();

    script.open("rest");
    StringBuilder rest = new StringBuilder();
    for (String line; (line = reader.readLine()) != null; ) {
      rest.append(line).append('\n');
    }
    assertThat(rest.toString()).contains("\"finish_reason\":\"stop\"").endsWith("data: [DONE]\n\n");
  }

  @Test
  void clientThatDisconnectsMidStreamMakesTheUpstreamConnectionClose() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("a", "b"), 1, 1);
    SseScript script = SseScript.create().data(chunks.get(0)).gate("never").data(chunks.get(1));
    upstream.on("POST", CHAT, script);

    HttpResponse<InputStream> response = HTTP.send(chatRequest(), HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = response.body();
    byte[] first = new byte[6];
    assertThat(body.readNBytes(first, 0, 6)).isEqualTo(6);
    body.close();

    script.clientGone().get(10, TimeUnit.SECONDS);
    assertThat(script.finished()).isNotDone();
  }

  @Test
  void slowReaderPausesTheUpstreamInsteadOfBeingBufferedWithoutBound() throws Exception {
    int chunkSize = 16 * 1024;
    int chunkCount = 4096; // 64 MiB in all
    AtomicLong written = new AtomicLong();
    CompletableFuture<String> upstreamDigest = new CompletableFuture<>();
    upstream.on("POST", CHAT, (request, body) -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      MessageDigest sha = sha256();
      writeUntilFull(response, chunkSize, chunkCount, written, sha, upstreamDigest);
    });

    HttpResponse<InputStream> response = HTTP.send(chatRequest(), HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = response.body();
    body.readNBytes(1024);
    // The client stops reading. Everything between the two ends (socket buffers, a window of
    // frames) fills up, and then the upstream is told to wait.
    Thread.sleep(1500);
    long stalledAt = written.get();
    Thread.sleep(1000);
    assertThat(written.get()).as("the upstream is paused while the client does not read").isEqualTo(stalledAt);
    assertThat(stalledAt).as("bytes in flight are bounded").isLessThan(24L * 1024 * 1024);

    MessageDigest clientSha = sha256();
    clientSha.update(bodyStart(chunkSize));
    byte[] buffer = new byte[64 * 1024];
    long total = 1024;
    for (int n; (n = body.read(buffer)) > 0; ) {
      clientSha.update(buffer, 0, n);
      total += n;
    }
    assertThat(total).isEqualTo((long) chunkSize * chunkCount + DONE.length());
    assertThat(HexFormat.of().formatHex(clientSha.digest())).isEqualTo(upstreamDigest.get(10, TimeUnit.SECONDS));
  }

  private static final Buffer DONE = Buffer.buffer("\n\ndata: [DONE]\n\n");

  private static byte[] bodyStart(int chunkSize) {
    return java.util.Arrays.copyOf(chunk(0, chunkSize).getBytes(), 1024);
  }

  private static Buffer chunk(int index, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) ('a' + (index + i) % 26);
    }
    return Buffer.buffer(bytes);
  }

  private static void writeUntilFull(HttpServerResponse response, int size, int count, AtomicLong written,
      MessageDigest sha, CompletableFuture<String> digest) {
    while (written.get() < (long) size * count) {
      int index = (int) (written.get() / size);
      Buffer chunk = chunk(index, size);
      sha.update(chunk.getBytes());
      response.write(chunk);
      written.addAndGet(size);
      if (response.writeQueueFull()) {
        response.drainHandler(v -> writeUntilFull(response, size, count, written, sha, digest));
        return;
      }
    }
    // A chat stream ends with its last event; one that does not would end in an error event.
    sha.update(DONE.getBytes());
    response.end(DONE);
    digest.complete(HexFormat.of().formatHex(sha.digest()));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
