package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.portcullis.common.provider.OpenAiCompatibleProviders;
import dev.portcullis.common.provider.OpenAiCompatibleSpec;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every OpenAI-compatible provider of the table through Portcullis, with openai-java as the client
 * against one recording upstream that stands in for each provider under its own path prefix (the
 * real roots have prefixes too: Groq's {@code /openai/v1}, Zhipu's {@code /api/paas/v4}).
 */
class CompatibleProvidersTest {

  private static final String KEY = "sk-client-key-for-compatible-tests";

  /** A provider under test: its route name, the base-URL setting pointed at the upstream, and the prefix. */
  record Provider(String name, String setting, String prefix) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Provider> PROVIDERS = List.of(
      new Provider("cerebras", "ARCHESTRA_CEREBRAS_BASE_URL", "/cerebras/v1"),
      new Provider("groq", "ARCHESTRA_GROQ_BASE_URL", "/groq/openai/v1"),
      new Provider("openrouter", "ARCHESTRA_OPENROUTER_BASE_URL", "/openrouter/api/v1"),
      new Provider("mistral", "ARCHESTRA_MISTRAL_BASE_URL", "/mistral/v1"),
      new Provider("perplexity", "ARCHESTRA_PERPLEXITY_BASE_URL", "/perplexity"),
      new Provider("vllm", "ARCHESTRA_VLLM_BASE_URL", "/vllm/v1"),
      new Provider("ollama", "ARCHESTRA_OLLAMA_BASE_URL", "/ollama/v1"),
      new Provider("zhipuai", "ARCHESTRA_ZHIPUAI_BASE_URL", "/zhipu/api/paas/v4"),
      new Provider("xai", "ARCHESTRA_XAI_BASE_URL", "/xai/v1"),
      // The first of MiniMax's base-URL settings wins over ARCHESTRA_MINIMAX_BASE_URL, also set below.
      new Provider("minimax", "ARCHESTRA_CHAT_MINIMAX_BASE_URL", "/minimax/v1"));

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static final Map<String, OpenAIClient> clients = new ConcurrentHashMap<>();

  static Stream<Provider> providers() {
    return PROVIDERS.stream();
  }

  static Stream<Provider> providersWithModelsEndpoint() {
    return PROVIDERS.stream().filter(p -> !p.name().equals("minimax"));
  }

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    Map<String, String> env = new HashMap<>();
    PROVIDERS.forEach(p -> env.put(p.setting(), upstream.baseUrl(p.prefix())));
    env.put("ARCHESTRA_MINIMAX_BASE_URL", upstream.baseUrl("/minimax-second-choice/v1"));
    env.put("ARCHESTRA_OPENROUTER_REFERER", "https://app.example.com");
    env.put("ARCHESTRA_OPENROUTER_TITLE", "Example App");
    // A default key must never replace the key of a client that brought its own.
    env.put("ARCHESTRA_CHAT_GROQ_API_KEY", "gsk-server-default-key");
    portcullis = PortcullisUnderTest.start(env);
  }

  @AfterAll
  static void stop() {
    clients.values().forEach(OpenAIClient::close);
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static OpenAIClient client(Provider provider) {
    return clients.computeIfAbsent(provider.name(), name -> OpenAIOkHttpClient.builder()
        .baseUrl(portcullis.providerUrl(name))
        .apiKey(KEY)
        .maxRetries(0)
        .build());
  }

  @Test
  void theTableCoversEveryCompatibleProviderOfTheSeed() {
    assertThat(OpenAiCompatibleProviders.all().stream().map(OpenAiCompatibleSpec::name).toList())
        .containsExactlyInAnyOrderElementsOf(Stream.concat(Stream.of("openai"), PROVIDERS.stream().map(Provider::name))
            .toList());
  }

  @ParameterizedTest
  @MethodSource("providers")
  void chatCompletionReachesTheUpstreamUnderItsPrefixWithTheClientsKey(Provider provider) {
    upstream.on("POST", provider.prefix() + "/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("model-" + provider.name(), "Hello from "
            + provider.name(), 12, 3)));

    ChatCompletion completion = client(provider).chat().completions().create(ChatCompletionCreateParams.builder()
        .model("model-" + provider.name()).addUserMessage("Say hello").build());

    assertThat(completion.choices().get(0).message().content()).hasValue("Hello from " + provider.name());
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(15);
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo(provider.prefix() + "/chat/completions");
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(received.json().getString("model")).isEqualTo("model-" + provider.name());
    if (provider.name().equals("openrouter")) {
      assertThat(received.header("HTTP-Referer")).isEqualTo("https://app.example.com");
      assertThat(received.header("X-Title")).isEqualTo("Example App");
    } else {
      assertThat(received.header("HTTP-Referer")).isNull();
      assertThat(received.header("X-Title")).isNull();
    }
  }

  @ParameterizedTest
  @MethodSource("providers")
  void chatStreamArrivesChunkByChunk(Provider provider) {
    upstream.on("POST", provider.prefix() + "/chat/completions",
        OpenAiWire.chatStream(OpenAiWire.chatTextStream("m", List.of("Hel", "lo", "!"), 5, 3)));

    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = client(provider).chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("m").addUserMessage("Hi").build())) {
      chunks = stream.stream().peek(accumulator::accumulate).toList();
    }

    assertThat(chunks).hasSize(6);
    assertThat(accumulator.chatCompletion().choices().get(0).message().content()).hasValue("Hello!");
    assertThat(upstream.last().path()).isEqualTo(provider.prefix() + "/chat/completions");
    assertThat(upstream.last().json().getBoolean("stream")).isTrue();
  }

  @ParameterizedTest
  @MethodSource("providers")
  void toolCallsGoUpAndComeBack(Provider provider) {
    upstream.on("POST", provider.prefix() + "/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletionWithToolCall("m", "get_weather", "\"{\\\"city\\\":\\\"Paris\\\"}\"")));

    ChatCompletion completion = client(provider).chat().completions().create(ChatCompletionCreateParams.builder()
        .model("m").addUserMessage("Weather in Paris?")
        .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
            .name("get_weather")
            .parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .build())
            .build()).build())
        .build());

    ChatCompletionMessageToolCall call = completion.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(call.asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(upstream.last().json().getJsonArray("tools").getJsonObject(0).getJsonObject("function")
        .getString("name")).isEqualTo("get_weather");
  }

  @ParameterizedTest
  @MethodSource("providersWithModelsEndpoint")
  void modelListComesFromTheUpstream(Provider provider) {
    upstream.on("GET", provider.prefix() + "/models",
        RecordingUpstream.json(200, OpenAiWire.models(provider.name() + "-small", provider.name() + "-large")));

    List<String> ids = client(provider).models().list().autoPager().stream().map(Model::id).toList();

    assertThat(ids).containsExactly(provider.name() + "-small", provider.name() + "-large");
    assertThat(upstream.last().path()).isEqualTo(provider.prefix() + "/models");
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + KEY);
  }

  @Test
  void minimaxAnswersItsModelListLocallyWithItsDefaultModels() {
    List<String> ids = client(PROVIDERS.get(9)).models().list().autoPager().stream().map(Model::id).toList();

    assertThat(ids).containsExactly("MiniMax-M2", "MiniMax-M2.1", "MiniMax-M2.1-lightning", "MiniMax-M2.5",
        "MiniMax-M2.5-highspeed");
    assertThat(upstream.received()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("providers")
  void upstreamRateLimitReachesTheSdkWithItsRetryAfter(Provider provider) {
    upstream.on("POST", provider.prefix() + "/chat/completions", RecordingUpstream.json(429,
        OpenAiWire.error("rate_limit_error", "Slow down", "rate_limit_exceeded"), Map.of("retry-after", "7")));

    assertThatThrownBy(() -> client(provider).chat().completions().create(ChatCompletionCreateParams.builder()
        .model("m").addUserMessage("Hi").build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(429);
          assertThat(e.headers().values("retry-after")).containsExactly("7");
          assertThat(e.getMessage()).contains("Slow down");
        });
    assertThat(upstream.received()).hasSize(1);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void upstreamServerErrorReachesTheSdkWithItsStatus(Provider provider) {
    upstream.on("POST", provider.prefix() + "/chat/completions",
        RecordingUpstream.json(500, OpenAiWire.error("server_error", "The upstream broke", null)));

    assertThatThrownBy(() -> client(provider).chat().completions().create(ChatCompletionCreateParams.builder()
        .model("m").addUserMessage("Hi").build()))
        .isInstanceOfSatisfying(InternalServerException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(500);
          assertThat(e.getMessage()).contains("The upstream broke");
        });
  }

  @Test
  void openRouterEmbeddingsAreForwarded() {
    Provider openrouter = PROVIDERS.get(2);
    upstream.on("POST", "/openrouter/api/v1/embeddings",
        RecordingUpstream.json(200, OpenAiWire.embeddings("openai/text-embedding-3-small", 4)));

    var embeddings = client(openrouter).embeddings().create(EmbeddingCreateParams.builder()
        .model("openai/text-embedding-3-small").input("hello").build());

    assertThat(embeddings.data().get(0).embedding()).hasSize(3);
    assertThat(upstream.last().path()).isEqualTo("/openrouter/api/v1/embeddings");
    assertThat(upstream.last().header("X-Title")).isEqualTo("Example App");
  }

  @Test
  void routesAProviderDoesNotOfferAreUnknown() {
    // Groq offers no embeddings route here: a clean 404 from the gateway, no upstream call.
    assertThatThrownBy(() -> client(PROVIDERS.get(1)).embeddings().create(EmbeddingCreateParams.builder()
        .model("x").input("hello").build()))
        .isInstanceOf(com.openai.errors.NotFoundException.class)
        .hasMessageContaining("Unknown path");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aModelListTheUpstreamRefusesGivesAClearError() {
    upstream.on("GET", "/xai/v1/models", RecordingUpstream.json(401,
        OpenAiWire.error("invalid_request_error", "Incorrect API key provided: sk-cl***ests", "invalid_api_key")));

    assertThatThrownBy(() -> client(PROVIDERS.get(8)).models().list())
        .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
          assertThat(e.getMessage()).contains("Could not list the models of xai")
              .contains("answered HTTP 401").contains("Check the API key");
          // The upstream's own text may echo part of the key: it is not repeated.
          assertThat(e.getMessage()).doesNotContain("sk-cl");
        });
  }
}
