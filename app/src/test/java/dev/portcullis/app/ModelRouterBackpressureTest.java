package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.AnthropicWire;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A slow client of a translated model-router stream paces the upstream: credit flows from the
 * gateway through the router to the provider, so the router never buffers a fast upstream
 * without bound.
 */
class ModelRouterBackpressureTest {

  private static final String MODEL = "claude-sonnet-4-5";
  private static final String MESSAGES = "/anthropic/v1/messages";
  /** Text deltas per upstream write: the upstream writes as fast as its write queue allows. */
  private static final int DELTAS_PER_WRITE = 100;
  private static final int DELTAS = 240_000;
  private static RouterRig rig;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    rig = new RouterRig("anthropic", "sk-ant-stored-0123456789", Map.of("ARCHESTRA_ANTHROPIC_BASE_URL", "/anthropic"));
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  private static String piece(int i) {
    return "t" + i + " ";
  }

  @Test
  void slowClientOfATranslatedStreamPausesTheUpstream() throws Exception {
    AtomicLong written = new AtomicLong();
    CompletableFuture<Long> total = new CompletableFuture<>();
    rig.upstream.on("POST", MESSAGES, (request, body) -> {
      HttpServerResponse response = request.response().setChunked(true)
          .putHeader("content-type", "text/event-stream");
      Buffer head = Buffer.buffer();
      sse(head, AnthropicWire.messageStart(MODEL, 7));
      sse(head, new String[] {"content_block_start",
          "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"});
      response.write(head);
      written.addAndGet(head.length());
      writeDeltas(response, 0, written, total);
    });

    HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(
            URI.create(rig.portcullis.url("/v1/model-router/" + rig.proxyId + "/chat/completions")))
        .header("Authorization", "Bearer " + rig.virtualKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"anthropic:" + MODEL
            + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    StringBuilder text = new StringBuilder();
    List<String> tail = new ArrayList<>();
    // Read the first event, then stop reading.
    String first = reader.readLine();
    assertThat(first).startsWith("data: ");
    collect(first, text, tail);

    Thread.sleep(2000);
    long stalledAt = written.get();
    Thread.sleep(1000);
    assertThat(written.get()).as("the upstream is paused while the client does not read").isEqualTo(stalledAt);
    assertThat(total).as("the upstream has not finished").isNotDone();
    long all = expectedUpstreamBytes();
    assertThat(stalledAt).as("bytes in flight are bounded (of %d)", all).isLessThan(all / 2);

    for (String line; (line = reader.readLine()) != null; ) {
      collect(line, text, tail);
    }
    assertThat(total.get(10, TimeUnit.SECONDS)).isEqualTo(all);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < DELTAS; i++) {
      expected.append(piece(i));
    }
    assertThat(text.toString()).as("every delta, in order").isEqualTo(expected.toString());
    assertThat(tail).last().isEqualTo("[DONE]");
  }

  private static void collect(String line, StringBuilder text, List<String> tail) {
    if (!line.startsWith("data: ")) {
      return;
    }
    String data = line.substring(6);
    if (data.equals("[DONE]")) {
      tail.add(data);
      return;
    }
    JsonArray choices = new JsonObject(data).getJsonArray("choices");
    if (choices != null && !choices.isEmpty()) {
      JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
      String content = delta == null ? null : delta.getString("content");
      if (content != null) {
        text.append(content);
      }
    }
    tail.add("chunk");
  }

  private static void sse(Buffer out, String[] event) {
    out.appendString("event: " + event[0] + "\ndata: " + event[1] + "\n\n");
  }

  private static Buffer deltas(int from) {
    Buffer out = Buffer.buffer();
    for (int i = from; i < Math.min(DELTAS, from + DELTAS_PER_WRITE); i++) {
      sse(out, AnthropicWire.textDelta(0, piece(i)));
    }
    return out;
  }

  private static Buffer closing() {
    Buffer out = Buffer.buffer();
    sse(out, new String[] {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"});
    sse(out, AnthropicWire.messageDelta("end_turn", 7, DELTAS));
    sse(out, new String[] {"message_stop", "{\"type\":\"message_stop\"}"});
    return out;
  }

  private static long expectedUpstreamBytes() {
    long sum = 0;
    Buffer head = Buffer.buffer();
    sse(head, AnthropicWire.messageStart(MODEL, 7));
    sse(head, new String[] {"content_block_start",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"});
    sum += head.length();
    for (int i = 0; i < DELTAS; i += DELTAS_PER_WRITE) {
      sum += deltas(i).length();
    }
    return sum + closing().length();
  }

  private static void writeDeltas(HttpServerResponse response, int from, AtomicLong written,
      CompletableFuture<Long> total) {
    int next = from;
    while (next < DELTAS) {
      Buffer chunk = deltas(next);
      response.write(chunk);
      written.addAndGet(chunk.length());
      next += DELTAS_PER_WRITE;
      if (response.writeQueueFull()) {
        int resumeAt = next;
        response.drainHandler(v -> writeDeltas(response, resumeAt, written, total));
        return;
      }
    }
    Buffer end = closing();
    response.end(end);
    total.complete(written.addAndGet(end.length()));
  }
}
