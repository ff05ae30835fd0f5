package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping lets a stream in flight finish while the providers keep serving it. */
class GracefulShutdownTest {

  @Test
  void streamInFlightFinishesWhenPortcullisStops() throws Exception {
    Vertx upstreamVertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(upstreamVertx);
    PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")));
    try {
      List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("one", " two"), 2, 2);
      SseScript script = SseScript.create().data(chunks.get(0)).gate("later");
      chunks.subList(1, chunks.size()).forEach(script::data);
      script.data("[DONE]");
      upstream.on("POST", "/v1/chat/completions", script);
      // Keep the client referenced: an unreachable java.net.http client closes its connections.
      HttpClient streamClient = HttpClient.newHttpClient();
      HttpResponse<InputStream> stream = streamClient.send(HttpRequest.newBuilder()
          .uri(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
          .header("Authorization", "Bearer sk-x").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
      assertThat(reader.readLine()).isEqualTo("data: " + chunks.get(0));

      Future<Void> stopped = portcullis.portcullis().stop();
      Thread.sleep(300);
      assertThat(stopped.isComplete()).as("stop waits for the stream").isFalse();
      HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
          .uri(URI.create(portcullis.providerUrl("openai") + "/models")).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).as("new calls are refused while draining").isEqualTo(503);
      script.open("later");
      StringBuilder rest = new StringBuilder();
      for (String line; (line = reader.readLine()) != null; ) {
        rest.append(line).append('\n');
      }
      assertThat(rest.toString()).endsWith("data: [DONE]\n\n");
      assertThat(streamClient).isNotNull();
      stopped.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      upstream.close();
      upstreamVertx.close().await();
    }
  }
}
