package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI through Portcullis with the official openai-java SDK, against a test upstream that
 * speaks OpenAI's wire format behind a base URL with a path prefix. Each test checks what the
 * client got and what the upstream received.
 */
class OpenAiProxyTest {

  private static final String KEY = "sk-test-client-key-0123456789";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai-prefix/v1")));
    client = OpenAIOkHttpClient.builder()
        .baseUrl(portcullis.providerUrl("openai"))
        .apiKey(KEY)
        .organization("org-test")
        .project("proj-test")
        .maxRetries(0)
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  @Test
  void chatCompletionReachesTheUpstreamUnderItsPathPrefixWithTheClientsKeyAndHeaders() {
    upstream.on("POST", "/openai-prefix/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o-2024-08-06", "Hello there!", 12, 3),
            Map.of("x-request-id", "req-upstream-1", "x-ratelimit-remaining-requests", "499")));

    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addSystemMessage("Be brief.").addUserMessage("Say hello").temperature(0.2).build());

    assertThat(completion.choices().get(0).message().content()).contains("Hello there!");
    assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(12);
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo("/openai-prefix/v1/chat/completions");
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(received.header("OpenAI-Organization")).isEqualTo("org-test");
    assertThat(received.header("OpenAI-Project")).isEqualTo("proj-test");
    assertThat(received.json().getString("model")).isEqualTo("gpt-4o");
    assertThat(received.json().getJsonArray("messages").getJsonObject(1).getString("content")).isEqualTo("Say hello");
  }

  @Test
  void bodiesAreForwardedByteForByteAndClientVisibleHeadersComeBack() throws Exception {
    upstream.on("POST", "/openai-prefix/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o", "ok", 1, 1),
        Map.of("x-request-id", "req-upstream-2", "x-ratelimit-limit-tokens", "30000", "openai-processing-ms", "12")));
    // Odd spacing, key order, escapes and non-ASCII: a re-serializing proxy would change these bytes.
    String body = "{ \"messages\" : [ {\"role\":\"user\", \"content\":\"caf\\u00e9 \u00fcber \u4e16\u754c \\\"q\\\"\"} ],\n"
        + "  \"model\":\"gpt-4o\", \"temperature\": 1.50, \"metadata\": {\"z\": 1, \"a\": 2} }";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer " + KEY)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().body().getBytes()).isEqualTo(bytes);
    assertThat(response.headers().firstValue("x-request-id")).hasValue("req-upstream-2");
    assertThat(response.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("30000");
    assertThat(response.headers().firstValue("openai-processing-ms")).hasValue("12");
    assertThat(response.headers().firstValue("x-portcullis-request-id")).isPresent();
  }

  @Test
  void chatStreamDeliversTextToolCallDeltasAndTheUsageChunk() {
    upstream.on("POST", "/openai-prefix/v1/chat/completions",
        OpenAiWire.chatStream(OpenAiWire.chatToolCallStream("gpt-4o-mini")));

    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Weather in Paris?")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      chunks = stream.stream().peek(accumulator::accumulate).toList();
    }

    assertThat(chunks).hasSize(7);
    ChatCompletion completion = accumulator.chatCompletion();
    ChatCompletionMessageToolCall call = completion.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(call.asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(completion.choices().get(0).message().content()).hasValue("Let me check.");
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(48);
    RecordedRequest received = upstream.last();
    assertThat(received.json().getBoolean("stream")).isTrue();
    assertThat(received.json().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
  }

  @Test
  void responsesApiNonStreamAndStream() {
    upstream.on("POST", "/openai-prefix/v1/responses", (request, body) -> {
      if (body.toJsonObject().getBoolean("stream", false)) {
        OpenAiWire.responseStream(OpenAiWire.responseTextStream("gpt-4.1", List.of("Hel", "lo", "!"), 7, 3))
            .respond(request, body);
      } else {
        RecordingUpstream.json(200, OpenAiWire.response("gpt-4.1", "Hello!", 7, 3)).respond(request, body);
      }
    });

    Response response = client.responses().create(ResponseCreateParams.builder().model("gpt-4.1").input("Hi").build());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Hello!");
    assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(3);

    ResponseAccumulator accumulator = ResponseAccumulator.create();
    List<ResponseStreamEvent> events;
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
        ResponseCreateParams.builder().model("gpt-4.1").input("Hi").build())) {
      events = stream.stream().peek(accumulator::accumulate).toList();
    }
    assertThat(events).hasSize(11);
    assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
    Response streamed = accumulator.response();
    assertThat(streamed.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Hello!");
    assertThat(streamed.usage().orElseThrow().totalTokens()).isEqualTo(10);
    assertThat(upstream.received()).extracting(RecordedRequest::path)
        .containsOnly("/openai-prefix/v1/responses");
  }

  @Test
  void modelsAndEmbeddings() {
    upstream.on("GET", "/openai-prefix/v1/models",
        RecordingUpstream.json(200, OpenAiWire.models("gpt-4o", "gpt-4o-mini", "text-embedding-3-small")));
    upstream.on("POST", "/openai-prefix/v1/embeddings",
        RecordingUpstream.json(200, OpenAiWire.embeddings("text-embedding-3-small", 4)));

    List<String> ids = client.models().list().autoPager().stream().map(Model::id).toList();
    assertThat(ids).containsExactly("gpt-4o", "gpt-4o-mini", "text-embedding-3-small");
    RecordedRequest modelsRequest = upstream.last();
    assertThat(modelsRequest.method()).isEqualTo("GET");
    assertThat(modelsRequest.header("Authorization")).isEqualTo("Bearer " + KEY);

    CreateEmbeddingResponse embeddings = client.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("hello world").build());
    assertThat(embeddings.data().get(0).embedding()).hasSize(3);
    assertThat(embeddings.usage().promptTokens()).isEqualTo(4);
    assertThat(upstream.last().path()).isEqualTo("/openai-prefix/v1/embeddings");
    assertThat(upstream.last().json().getString("input")).isEqualTo("hello world");
  }
}
