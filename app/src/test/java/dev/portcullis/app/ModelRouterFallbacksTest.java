package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.AnthropicWire;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
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
 * An LLM proxy's model-router fallbacks, end to end: stored with the admin API, served to the
 * gateway in the proxy directory, and taken when {@code openai:gpt-4o} fails in a way that may be
 * retried. The OpenAI SDK on one side; recording OpenAI and Anthropic upstreams on the other.
 */
class ModelRouterFallbacksTest {

  private static final String OPENAI_KEY = "sk-openai-stored-0123456789";
  private static final String ANTHROPIC_KEY = "sk-ant-stored-0123456789";
  private static final String OPENAI_CHAT = "/openai/v1/chat/completions";
  private static final String MESSAGES = "/anthropic/v1/messages";
  /** What Anthropic says served the call: the answer's model is the serving model's. */
  private static final String ANTHROPIC_REPORTED = "claude-sonnet-4-5-20250929";
  private static final JsonObject FALLBACKS = new JsonObject()
      .put("openai:gpt-4o", new JsonArray().add("anthropic:claude-sonnet-4-5"));
  private static final String ROUTE = "openai:gpt-4o -> anthropic:claude-sonnet-4-5";
  private static final String BUSY = "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}";
  private static final String CHAT = "{\"model\":\"openai:gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static AdminClient admin;
  private static String proxyId;
  /** Maps an OpenAI and an Anthropic key. */
  private static String virtualKey;
  /** Maps the OpenAI key only. */
  private static String openAiOnlyKey;
  private static OpenAIClient client;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai/v1"),
        "ARCHESTRA_ANTHROPIC_BASE_URL", upstream.baseUrl("/anthropic"),
        "PORTCULLIS_RETRY_BACKOFF_MS", "10",
        // Circuits are CircuitBreakersTest's: the failures made here must not open one.
        "PORTCULLIS_CIRCUIT_MIN_CALLS", "100000"));
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    proxyId = admin.create("llm-proxies", new JsonObject().put("name", "with-fallbacks").put("fallbacks", FALLBACKS))
        .getString("id");
    String openAiKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "team-openai").put("apiKey", OPENAI_KEY)).getString("id");
    String anthropicKeyId = admin.create("provider-keys", new JsonObject().put("provider", "anthropic")
        .put("name", "team-anthropic").put("apiKey", ANTHROPIC_KEY)).getString("id");
    virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "both")
        .put("providerKeyIds", new JsonArray().add(openAiKeyId).add(anthropicKeyId))).getString("key");
    openAiOnlyKey = admin.create("virtual-keys", new JsonObject().put("name", "openai-only")
        .put("providerKeyIds", new JsonArray().add(openAiKeyId))).getString("key");
    client = OpenAIOkHttpClient.builder().baseUrl(portcullis.url("/v1/model-router/" + proxyId))
        .apiKey(virtualKey).maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (portcullis != null) {
      portcullis.close();
    }
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
    upstream.on("POST", OPENAI_CHAT, RecordingUpstream.json(503, BUSY));
  }

  @Test
  void theStoredFallbacksAreWhatTheAdminApiShows() {
    HttpResponse<String> shown = admin.send("GET", "/api/admin/llm-proxies/" + proxyId + "/fallbacks", null);
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(shown.body())).isEqualTo(FALLBACKS);
  }

  @Test
  void aBusyOpenAiIsTriedThenTheAnthropicFallbackAnswers() {
    upstream.on("POST", MESSAGES, RecordingUpstream.json(200,
        AnthropicWire.message(ANTHROPIC_REPORTED, "Hello from Claude", 12, 4)));

    HttpResponseFor<ChatCompletion> answer = client.chat().completions().withRawResponse().create(
        ChatCompletionCreateParams.builder().model("openai:gpt-4o").addSystemMessage("Be brief.")
            .addUserMessage("Say hello").build());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().values("x-portcullis-route")).containsExactly(ROUTE);
    assertThat(answer.headers().values("x-portcullis-attempts")).containsExactly("4");
    ChatCompletion completion = answer.parse();
    assertThat(completion.model()).isEqualTo(ANTHROPIC_REPORTED);
    assertThat(completion.choices().get(0).message().content()).hasValue("Hello from Claude");
    assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(12);

    // Every attempt the retry rule allows went to OpenAI first, with its own key.
    List<RecordedRequest> openAi = received(OPENAI_CHAT);
    assertThat(openAi).hasSize(3);
    assertThat(openAi).allSatisfy(request -> {
      assertThat(request.header("Authorization")).isEqualTo("Bearer " + OPENAI_KEY);
      assertThat(request.json().getString("model")).isEqualTo("gpt-4o");
    });
    JsonObject translated = anthropicRequest();
    assertThat(translated.getJsonArray("system").getJsonObject(0).getString("text")).isEqualTo("Be brief.");
    assertThat(translated.getJsonArray("messages")).hasSize(1);
    assertThat(translated.getInteger("max_tokens")).isPositive();
    assertThat(translated.containsKey("stream")).isFalse();
  }

  @Test
  void aConnectionResetBeforeTheHeadersFallsBackToo() throws Exception {
    upstream.on("POST", OPENAI_CHAT, (request, body) -> request.connection().close());
    upstream.on("POST", MESSAGES, RecordingUpstream.json(200, AnthropicWire.message(ANTHROPIC_REPORTED, "Still here", 5, 2)));

    HttpResponse<String> response = post(virtualKey, CHAT, Map.of());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-portcullis-route")).hasValue(ROUTE);
    assertThat(new JsonObject(response.body()).getString("model")).isEqualTo(ANTHROPIC_REPORTED);
    assertThat(received(OPENAI_CHAT)).hasSizeBetween(1, 3);
    assertThat(anthropicRequest().getString("model")).isEqualTo("claude-sonnet-4-5");
  }

  @Test
  void aStreamedCallIsServedWholeByTheFallback() {
    upstream.on("POST", MESSAGES, AnthropicWire.stream(AnthropicWire.textStream(ANTHROPIC_REPORTED,
        List.of("Hel", "lo", "!"), 9, 5)));

    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    HttpResponseFor<StreamResponse<ChatCompletionChunk>> answer = client.chat().completions().withRawResponse()
        .createStreaming(ChatCompletionCreateParams.builder().model("openai:gpt-4o").addUserMessage("Hi").build());
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = answer.parse()) {
      chunks = stream.stream().peek(accumulator::accumulate).toList();
    }

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().values("x-portcullis-route")).containsExactly(ROUTE);
    assertThat(chunks).isNotEmpty().allSatisfy(chunk -> assertThat(chunk.model()).isEqualTo(ANTHROPIC_REPORTED));
    assertThat(accumulator.chatCompletion().choices().get(0).message().content()).hasValue("Hello!");
    assertThat(received(OPENAI_CHAT)).hasSize(3)
        .allSatisfy(request -> assertThat(request.json().getBoolean("stream")).isTrue());
    JsonObject translated = anthropicRequest();
    assertThat(translated.getBoolean("stream")).isTrue();
    assertThat(translated.getJsonArray("messages").getJsonObject(0).getString("role")).isEqualTo("user");
  }

  @Test
  void noRetriesAllowedMeansNoFallbackEither() throws Exception {
    upstream.on("POST", MESSAGES, RecordingUpstream.json(200, AnthropicWire.message(ANTHROPIC_REPORTED, "no", 1, 1)));

    HttpResponse<String> response = post(virtualKey, CHAT, Map.of("x-portcullis-max-retries", "0"));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("x-portcullis-route")).hasValue("openai:gpt-4o");
    assertThat(received(OPENAI_CHAT)).hasSize(1);
    assertThat(received(MESSAGES)).isEmpty();
  }

  @Test
  void aRefusalOfTheRequestItselfIsNeverPassedToTheFallback() throws Exception {
    upstream.on("POST", OPENAI_CHAT, RecordingUpstream.json(400,
        OpenAiWire.error("invalid_request_error", "messages is too long", "context_length_exceeded")));
    upstream.on("POST", MESSAGES, RecordingUpstream.json(200, AnthropicWire.message(ANTHROPIC_REPORTED, "no", 1, 1)));

    HttpResponse<String> response = post(virtualKey, CHAT, Map.of());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("messages is too long");
    assertThat(received(OPENAI_CHAT)).hasSize(1);
    assertThat(received(MESSAGES)).isEmpty();
  }

  @Test
  void aFallbackTheCallerHasNoKeyForIsSkipped() throws Exception {
    upstream.on("POST", MESSAGES, RecordingUpstream.json(200, AnthropicWire.message(ANTHROPIC_REPORTED, "no", 1, 1)));

    HttpResponse<String> response = post(openAiOnlyKey, CHAT, Map.of());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("x-portcullis-route")).hasValue("openai:gpt-4o");
    assertThat(received(OPENAI_CHAT)).hasSize(3);
    assertThat(received(MESSAGES)).isEmpty();
  }

  @Test
  void fallbacksRemovedWithTheAdminApiAreNoLongerTaken() throws Exception {
    String changing = admin.create("llm-proxies", new JsonObject().put("name", "changing").put("fallbacks", FALLBACKS))
        .getString("id");
    upstream.on("POST", MESSAGES, RecordingUpstream.json(200, AnthropicWire.message(ANTHROPIC_REPORTED, "ok", 1, 1)));
    assertThat(post(virtualKey, changing, CHAT, Map.of()).statusCode()).isEqualTo(200);

    assertThat(admin.send("DELETE", "/api/admin/llm-proxies/" + changing + "/fallbacks", null).statusCode())
        .isEqualTo(204);
    // Gateways drop the proxy directory on the change event: within a second at most.
    HttpResponse<String> response = post(virtualKey, changing, CHAT, Map.of());
    long deadline = System.currentTimeMillis() + 2_000;
    while (response.statusCode() == 200 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      response = post(virtualKey, changing, CHAT, Map.of());
    }
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("x-portcullis-route")).hasValue("openai:gpt-4o");
  }

  private static List<RecordedRequest> received(String path) {
    return upstream.received().stream().filter(request -> request.path().equals(path)).toList();
  }

  /** The one request Anthropic received: on its Messages path, with its own key, translated. */
  private static JsonObject anthropicRequest() {
    List<RecordedRequest> anthropic = received(MESSAGES);
    assertThat(anthropic).hasSize(1);
    RecordedRequest request = anthropic.get(0);
    assertThat(request.header("x-api-key")).isEqualTo(ANTHROPIC_KEY);
    assertThat(request.header("anthropic-version")).isNotBlank();
    assertThat(request.header("Authorization")).isNull();
    assertThat(request.headers().toString() + request.bodyText()).doesNotContain(virtualKey).doesNotContain(OPENAI_KEY);
    JsonObject body = request.json();
    assertThat(body.getString("model")).isEqualTo("claude-sonnet-4-5");
    return body;
  }

  private static HttpResponse<String> post(String key, String body, Map<String, String> headers) throws Exception {
    return post(key, proxyId, body, headers);
  }

  private static HttpResponse<String> post(String key, String proxy, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(portcullis.url("/v1/model-router/" + proxy
            + "/chat/completions")))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
