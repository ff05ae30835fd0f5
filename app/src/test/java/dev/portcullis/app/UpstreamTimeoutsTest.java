package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream timeouts that fit LLMs: a first-byte limit for a model that thinks before it speaks, a
 * shorter idle limit for a stream that stops in the middle, each set for all providers and per
 * provider, and each failure its own error naming the stage, its limit and the setting.
 */
class UpstreamTimeoutsTest {

  private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String STREAMED_CHAT =
      "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

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
        "ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS", "5000",
        "PORTCULLIS_UPSTREAM_IDLE_TIMEOUT_MS", "400",
        "PORTCULLIS_OPENAI_FIRST_BYTE_TIMEOUT_MS", "2500",
        "PORTCULLIS_GROQ_FIRST_BYTE_TIMEOUT_MS", "300"));
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static OpenAIClient openAi() {
    return OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai")).apiKey("sk-timeouts")
        .maxRetries(0).build();
  }

  private static HttpResponse<String> post(String provider, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl(provider) + "/chat/completions"))
        .header("Authorization", "Bearer sk-timeouts").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Answers a stream: headers at once, the chunks after the given delays (ms after the one before). */
  private static void streamWithDelays(HttpServerRequest request, List<String> chunks, List<Long> delays) {
    HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
    response.writeHead();
    writeFrom(response, chunks, delays, 0);
  }

  private static void writeFrom(HttpServerResponse response, List<String> chunks, List<Long> delays, int index) {
    if (index == chunks.size()) {
      upstreamVertx.setTimer(delays.get(index), t -> response.end("data: [DONE]\n\n"));
      return;
    }
    upstreamVertx.setTimer(delays.get(index), t -> {
      response.write("data: " + chunks.get(index) + "\n\n");
      writeFrom(response, chunks, delays, index + 1);
    });
  }

  @Test
  void aModelThatThinksBeforeItsFirstTokenIsWaitedForWithinTheFirstByteLimit() {
    // The first token comes 1.2 s after the headers: far past the 400 ms idle limit, within the
    // 2.5 s first-byte limit; after it, chunks come every 50 ms.
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("Thought ", "it ", "through."), 5, 3);
    upstream.on("POST", "/openai/v1/chat/completions", (request, body) -> streamWithDelays(request, chunks,
        List.of(1_200L, 50L, 50L, 50L, 50L, 50L, 50L)));
    StringBuilder text = new StringBuilder();
    try (var stream = openAi().chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("hi").build())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(choice ->
          choice.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).isEqualTo("Thought it through.");
  }

  @Test
  void aStreamThatStopsInTheMiddleEndsWithTheIdleTimeoutsError() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("partial"), 5, 1);
    upstream.on("POST", "/openai/v1/chat/completions", (request, body) -> streamWithDelays(request,
        chunks.subList(0, 2), List.of(10L, 10L, 3_000L)));
    HttpResponse<String> response = post("openai", STREAMED_CHAT);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"content\":\"partial\"");
    String last = response.body().trim().substring(response.body().trim().lastIndexOf("data: ") + 6);
    assertThat(new JsonObject(last).getJsonObject("error").getString("message")).isEqualTo("The upstream openai at "
        + "127.0.0.1:" + upstream.port() + " stopped sending in the middle of its answer for 400 ms "
        + "(PORTCULLIS_UPSTREAM_IDLE_TIMEOUT_MS).");
  }

  @Test
  void anUpstreamThatNeverStartsAnsweringIsA504NamingTheProvidersFirstByteSetting() {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.silent());
    assertThatThrownBy(() -> openAi().chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("hi").build()))
        .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(504))
        .hasMessageContaining("did not start answering within 2500 ms (PORTCULLIS_OPENAI_FIRST_BYTE_TIMEOUT_MS)");
  }

  @Test
  void eachProviderHasItsOwnFirstByteLimit() throws Exception {
    String answer = OpenAiWire.chatCompletion("gpt-4o", "late but fine", 5, 3);
    for (String prefix : List.of("/openai/v1", "/groq/openai/v1")) {
      upstream.on("POST", prefix + "/chat/completions", (request, body) -> upstreamVertx.setTimer(800,
          t -> request.response().putHeader("content-type", "application/json").end(answer)));
    }
    ChatCompletion patient = openAi().chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("hi").build());
    assertThat(patient.choices().get(0).message().content()).hasValue("late but fine");

    HttpResponse<String> hasty = post("groq", CHAT);
    assertThat(hasty.statusCode()).isEqualTo(504);
    assertThat(new JsonObject(hasty.body()).getJsonObject("error").getString("message"))
        .contains("did not start answering within 300 ms (PORTCULLIS_GROQ_FIRST_BYTE_TIMEOUT_MS)");
  }

  @Test
  void aWholeAnswerWhoseBodyStallsAfterItsHeadersIsA504NamingTheIdleLimit() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", (request, body) -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "application/json");
      response.write("{\"id\":\"chatcmpl-1\",");
      upstreamVertx.setTimer(3_000, t -> response.end("\"object\":\"chat.completion\"}"));
    });
    HttpResponse<String> response = post("openai", CHAT);
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(new JsonObject(response.body()).getJsonObject("error").getString("message"))
        .contains("stopped sending in the middle of its answer for 400 ms (PORTCULLIS_UPSTREAM_IDLE_TIMEOUT_MS)");
  }
}
