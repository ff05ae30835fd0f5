package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Circuits: an upstream that keeps failing is left alone for a while and its calls refused fast,
 * in the called API's format, naming the provider; the circuit shows in {@code /ready} and in
 * Prometheus; other providers go on.
 */
class CircuitBreakersTest {

  private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String ANSWER = OpenAiWire.chatCompletion("gpt-4o", "fine", 5, 3);

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai/v1"),
        "ARCHESTRA_GROQ_BASE_URL", upstream.baseUrl("/groq/openai/v1"),
        "PORTCULLIS_CIRCUIT_MIN_CALLS", "4",
        "PORTCULLIS_CIRCUIT_OPEN_MS", "60000"));
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  private static HttpResponse<String> post(String provider) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl(provider) + "/chat/completions"))
        .header("Authorization", "Bearer sk-circuits").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anUpstreamThatKeepsFailingHasItsCircuitOpenedAndIsRefusedFastNamingTheProvider() throws Exception {
    upstream.on("POST", "/groq/openai/v1/chat/completions",
        RecordingUpstream.json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
    for (int i = 0; i < 4; i++) {
      assertThat(post("groq").statusCode()).isEqualTo(500);
    }
    int before = upstream.received().size();
    HttpResponse<String> refused = post("groq");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("retry-after")).hasValue("60");
    String message = new JsonObject(refused.body()).getJsonObject("error").getString("message");
    assertThat(message).contains("groq").contains("circuit groq/host/default is open").doesNotContain("sk-circuits");
    assertThat(upstream.received()).hasSize(before);

    JsonObject ready = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.url("/ready"))).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(ready.getString("status")).isEqualTo("READY");
    assertThat(ready.getJsonObject("circuits").getJsonArray("open").getList()).contains("groq/host/default");
    assertThat(MetricsScrape.await(portcullis, "portcullis_circuit_state", Map.of("circuit", "groq/host/default")))
        .isEqualTo(1.0);
    // Other providers are not affected.
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(200, ANSWER));
    assertThat(post("openai").statusCode()).isEqualTo(200);
  }
}
