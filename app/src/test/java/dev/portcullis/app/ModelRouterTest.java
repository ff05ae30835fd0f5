package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model router with openai-java as the client: {@code openai:} models pass through with the
 * model rewritten, {@code /models} follows the key's mapping, and every refusal (authentication,
 * model resolution, upstream errors) reaches the SDK as the right OpenAI error.
 */
class ModelRouterTest {

  private static final String STORED_KEY = "sk-stored-openai-key-0123456789";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static AdminClient admin;
  private static String proxyId;
  private static String openAiKeyId;
  private static String cohereKeyId;
  private static String openAiOnly;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai/v1"),
        "ARCHESTRA_COHERE_BASE_URL", upstream.baseUrl("/cohere"),
        "ARCHESTRA_GROQ_BASE_URL", upstream.baseUrl("/groq/openai/v1")));
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    proxyId = admin.create("llm-proxies", new JsonObject().put("name", "router-proxy")).getString("id");
    openAiKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai").put("name", "team-openai")
        .put("apiKey", STORED_KEY)).getString("id");
    cohereKeyId = admin.create("provider-keys", new JsonObject().put("provider", "cohere").put("name", "team-cohere")
        .put("apiKey", "co-stored-key")).getString("id");
    openAiOnly = virtualKey("router-openai", openAiKeyId);
    client = client(openAiOnly, proxyId);
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

  private static String virtualKey(String name, String... providerKeyIds) {
    return admin.create("virtual-keys", new JsonObject().put("name", name)
        .put("providerKeyIds", new JsonArray(List.of((Object[]) providerKeyIds)))).getString("key");
  }

  private static OpenAIClient client(String key, String proxy) {
    return OpenAIOkHttpClient.builder()
        .baseUrl(portcullis.url("/v1/model-router" + (proxy == null ? "" : "/" + proxy)))
        .apiKey(key).maxRetries(0).build();
  }

  private static ChatCompletionCreateParams chat(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("hello").build();
  }

  private static HttpResponse<String> post(String path, String authorization, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(portcullis.url(path)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void openAiModelPassesThroughWithTheNativeModelAndTheStoredKey() {
    upstream.on("POST", "/openai/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o-2024-08-06", "Hi!", 5, 2)));

    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("openai:gpt-4o").addSystemMessage("Be brief.").addUserMessage("hello").temperature(0.25).build());

    assertThat(completion.choices().get(0).message().content()).hasValue("Hi!");
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(7);
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo("/openai/v1/chat/completions");
    assertThat(received.json().getString("model")).isEqualTo("gpt-4o");
    assertThat(received.json().getDouble("temperature")).isEqualTo(0.25);
    assertThat(received.json().getJsonArray("messages")).hasSize(2);
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + STORED_KEY);
    assertThat(received.headers().toString() + received.bodyText()).doesNotContain(openAiOnly);
  }

  @Test
  void openAiStreamIsRelayedChunkByChunk() {
    upstream.on("POST", "/openai/v1/chat/completions",
        OpenAiWire.chatStream(OpenAiWire.chatToolCallStream("gpt-4o-mini")));

    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("openai:gpt-4o-mini").addUserMessage("Weather in Paris?")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      chunks = stream.stream().peek(accumulator::accumulate).toList();
    }

    assertThat(chunks).hasSize(7);
    ChatCompletion completion = accumulator.chatCompletion();
    assertThat(completion.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function()
        .arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(48);
    assertThat(upstream.last().json().getString("model")).isEqualTo("gpt-4o-mini");
    assertThat(upstream.last().json().getBoolean("stream")).isTrue();
  }

  @Test
  void openAiResponsesGoToTheNativeResponsesApi() {
    upstream.on("POST", "/openai/v1/responses", (request, body) -> {
      if (body.toJsonObject().getBoolean("stream", false)) {
        OpenAiWire.responseStream(OpenAiWire.responseTextStream("gpt-4.1", List.of("Hel", "lo", "!"), 7, 3))
            .respond(request, body);
      } else {
        RecordingUpstream.json(200, OpenAiWire.response("gpt-4.1", "Hello!", 7, 3)).respond(request, body);
      }
    });

    Response response = client.responses().create(ResponseCreateParams.builder().model("openai:gpt-4.1")
        .input("Hi").build());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Hello!");
    assertThat(upstream.last().json().getString("model")).isEqualTo("gpt-4.1");

    ResponseAccumulator accumulator = ResponseAccumulator.create();
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
        ResponseCreateParams.builder().model("openai:gpt-4.1").input("Hi").build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    assertThat(accumulator.response().output().get(0).asMessage().content().get(0).asOutputText().text())
        .isEqualTo("Hello!");
    assertThat(upstream.last().path()).isEqualTo("/openai/v1/responses");
    assertThat(upstream.last().json().getString("model")).isEqualTo("gpt-4.1");
  }

  @Test
  void modelsListOnlyTheKeysProvidersQualifiedAndSortedLeavingOutAFailingOne() {
    upstream.on("GET", "/openai/v1/models", RecordingUpstream.json(200, OpenAiWire.models("gpt-4o-mini", "gpt-4o")));
    upstream.on("GET", "/cohere/v1/models", RecordingUpstream.json(500, "{\"message\":\"down\"}"));

    assertThat(client.models().list().autoPager().stream().map(Model::id).toList())
        .containsExactly("openai:gpt-4o", "openai:gpt-4o-mini");
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + STORED_KEY);

    // Cohere is mapped too but cannot list (down, or not deployed): left out, not fatal.
    OpenAIClient both = client(virtualKey("router-both", openAiKeyId, cohereKeyId), proxyId);
    assertThat(both.models().list().autoPager().stream().map(Model::id).toList())
        .containsExactly("openai:gpt-4o", "openai:gpt-4o-mini");
    both.close();
  }

  @Test
  void modelsAreCachedPerProviderAndCredential() {
    upstream.on("GET", "/openai/v1/models", RecordingUpstream.json(200, OpenAiWire.models("gpt-cached")));
    String cachedKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "cache-openai").put("apiKey", "sk-other-stored-key-for-cache")).getString("id");
    OpenAIClient fresh = client(virtualKey("router-cache", cachedKeyId), proxyId);
    List<String> first = fresh.models().list().autoPager().stream().map(Model::id).toList();
    List<String> second = fresh.models().list().autoPager().stream().map(Model::id).toList();
    fresh.close();
    assertThat(first).containsExactly("openai:gpt-cached");
    assertThat(second).isEqualTo(first);
    assertThat(upstream.received().stream().filter(r -> r.path().equals("/openai/v1/models")).count())
        .isEqualTo(1);
  }

  @Test
  void anOAuthAccessTokenIsAcceptedLikeAVirtualKey() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "via token", 3, 2)));
    JsonObject oauth = admin.create("oauth-clients", new JsonObject().put("name", "router-backend")
        .put("providerKeyIds", new JsonArray().add(openAiKeyId)).put("allowedLlmProxyIds", new JsonArray().add(proxyId)));
    HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.url("/api/auth/oauth2/token")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=llm%3Aproxy&client_id="
            + oauth.getString("clientId") + "&client_secret=" + oauth.getString("clientSecret"))).build(),
        HttpResponse.BodyHandlers.ofString());
    String accessToken = new JsonObject(token.body()).getString("access_token");

    OpenAIClient viaToken = client(accessToken, proxyId);
    assertThat(viaToken.chat().completions().create(chat("openai:gpt-4o")).choices().get(0).message().content())
        .hasValue("via token");
    viaToken.close();
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + STORED_KEY);
    assertThat(upstream.last().headers().toString()).doesNotContain(accessToken);
  }

  @Test
  void responsesOverAChatOnlyCompatibleProviderGoThroughChatCompletions() {
    String groqKeyId = admin.create("provider-keys", new JsonObject().put("provider", "groq").put("name", "team-groq")
        .put("apiKey", "gsk-stored-groq")).getString("id");
    OpenAIClient groq = client(virtualKey("router-groq", groqKeyId), proxyId);
    upstream.on("POST", "/groq/openai/v1/chat/completions", (request, body) -> {
      if (body.toJsonObject().getBoolean("stream", false)) {
        OpenAiWire.chatStream(OpenAiWire.chatTextStream("llama-3.1-8b-instant", List.of("Hi", " there"), 4, 2))
            .respond(request, body);
      } else {
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("llama-3.1-8b-instant", "Hi there", 4, 2))
            .respond(request, body);
      }
    });

    Response response = groq.responses().create(ResponseCreateParams.builder().model("groq:llama-3.1-8b-instant")
        .instructions("Be nice.").input("Hello").build());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Hi there");
    assertThat(response.usage().orElseThrow().totalTokens()).isEqualTo(6);
    JsonObject sent = upstream.last().json();
    assertThat(upstream.last().path()).isEqualTo("/groq/openai/v1/chat/completions");
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer gsk-stored-groq");
    assertThat(sent.getString("model")).isEqualTo("llama-3.1-8b-instant");
    assertThat(sent.getJsonArray("messages").getJsonObject(0).getString("role")).isEqualTo("system");

    ResponseAccumulator accumulator = ResponseAccumulator.create();
    List<ResponseStreamEvent> events;
    try (StreamResponse<ResponseStreamEvent> stream = groq.responses().createStreaming(
        ResponseCreateParams.builder().model("groq:llama-3.1-8b-instant").input("Hello").build())) {
      events = stream.stream().peek(accumulator::accumulate).toList();
    }
    groq.close();
    assertThat(events.get(0).isCreated()).isTrue();
    assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
    assertThat(accumulator.response().output().get(0).asMessage().content().get(0).asOutputText().text())
        .isEqualTo("Hi there");
    assertThat(accumulator.response().usage().orElseThrow().outputTokens()).isEqualTo(2);
    assertThat(upstream.last().json().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
  }

  @Test
  void onlyVirtualKeysAndTokensAreAccepted() throws Exception {
    OpenAIClient raw = client("sk-my-own-openai-key", proxyId);
    assertThatThrownBy(() -> raw.chat().completions().create(chat("openai:gpt-4o")))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("does not take provider API keys");
    raw.close();
    HttpResponse<String> none = post("/v1/model-router/" + proxyId + "/chat/completions", null,
        "{\"model\":\"openai:gpt-4o\",\"messages\":[]}");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(none.body()).getJsonObject("error").getString("message")).contains("No API key");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void theLlmProxyIdIsRequiredMustExistAndMustBeAllowed() {
    OpenAIClient noId = client(openAiOnly, null);
    assertThatThrownBy(() -> noId.chat().completions().create(chat("openai:gpt-4o")))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("needs an LLM proxy id");
    noId.close();
    OpenAIClient unknown = client(openAiOnly, UUID.randomUUID().toString());
    assertThatThrownBy(() -> unknown.chat().completions().create(chat("openai:gpt-4o")))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("not found");
    unknown.close();

    String otherProxy = admin.create("llm-proxies", new JsonObject().put("name", "other")).getString("id");
    String limited = admin.create("virtual-keys", new JsonObject().put("name", "limited")
        .put("providerKeyIds", new JsonArray().add(openAiKeyId))
        .put("llmProxyIds", new JsonArray().add(otherProxy))).getString("key");
    OpenAIClient elsewhere = client(limited, proxyId);
    assertThatThrownBy(() -> elsewhere.chat().completions().create(chat("openai:gpt-4o")))
        .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("may not use LLM proxy");
    assertThatThrownBy(() -> elsewhere.models().list())
        .isInstanceOf(PermissionDeniedException.class);
    elsewhere.close();
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void modelsMustNameAKnownMappedProvider() {
    assertThatThrownBy(() -> client.chat().completions().create(chat("gpt-4o")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("names no provider").hasMessageContaining("'openai:gpt-4o'");
    assertThatThrownBy(() -> client.chat().completions().create(chat("acme:gpt-4o")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Unknown provider 'acme'").hasMessageContaining("anthropic, azure, bedrock");
    assertThatThrownBy(() -> client.chat().completions().create(chat("anthropic:claude-sonnet-4-5")))
        .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("no provider key for anthropic");
    assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("gpt-4.1").input("x")
        .build())).isInstanceOf(BadRequestException.class).hasMessageContaining("names no provider");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void upstreamErrorsKeepTheirStatusAndRetryAfter() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(429,
        OpenAiWire.error("rate_limit_error", "Slow down", "rate_limit_exceeded"), Map.of("retry-after", "7")));

    assertThatThrownBy(() -> client.chat().completions().create(chat("openai:gpt-4o")))
        .isInstanceOf(RateLimitException.class).hasMessageContaining("Slow down");
    HttpResponse<String> response = post("/v1/model-router/" + proxyId + "/chat/completions",
        "Bearer " + openAiOnly, "{\"model\":\"openai:gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("7");
  }

  @Test
  void streamThatFailsMidwayEndsWithAnOpenAiErrorEvent() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", (request, body) -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      response.write("data: " + OpenAiWire.chatTextStream("gpt-4o", List.of("partial"), 1, 1).get(1) + "\n\n");
      upstreamVertx.setTimer(100, t -> request.connection().close());
    });

    HttpResponse<String> response = post("/v1/model-router/" + proxyId + "/chat/completions",
        "Bearer " + openAiOnly, "{\"model\":\"openai:gpt-4o\",\"stream\":true,\"messages\":[]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"content\":\"partial\"");
    String last = response.body().trim().substring(response.body().trim().lastIndexOf("data: ") + 6);
    assertThat(new JsonObject(last).getJsonObject("error").getString("type")).isEqualTo("api_error");
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        chat("openai:gpt-4o"))) {
      assertThatThrownBy(() -> stream.stream().toList()).hasMessageContaining("openai");
    }
  }
}
