package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Azure AI Foundry through Portcullis with openai-java as the client, against a test upstream
 * standing in for a classic resource ({@code .../openai}: deployments in the path, dated
 * api-versions) and for a Foundry v1 endpoint ({@code .../openai/v1}: OpenAI's paths).
 */
class AzureOpenAiTest {

  private static final String KEY = "azure-client-key-0123456789abcdef";
  private static final String DEPLOYMENTS = """
      {"object":"list","data":[\
      {"id":"gpt-4o-prod","model":"gpt-4o","owner":"organization-owner","object":"deployment","status":"succeeded","created_at":1710000000},\
      {"id":"gpt-41-mini","model":"gpt-4.1-mini","object":"deployment","created_at":1710000001},\
      {"id":"o3-new","model":"o3","owner":"organization-owner","object":"deployment","status":"creating","created_at":1710000002}]}""";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  /** A classic resource URL with the default api-versions. */
  private static PortcullisUnderTest classic;
  /** A Foundry v1 URL; api-versions are set, and must not be used for it. */
  private static PortcullisUnderTest foundry;
  private static OpenAIClient classicClient;
  private static OpenAIClient foundryClient;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    classic = PortcullisUnderTest.start(Map.of("ARCHESTRA_AZURE_OPENAI_BASE_URL", upstream.baseUrl("/res/openai")));
    foundry = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_AZURE_OPENAI_BASE_URL", upstream.baseUrl("/foundry/openai/v1/"),
        "ARCHESTRA_AZURE_OPENAI_API_VERSION", "2024-10-21",
        "ARCHESTRA_AZURE_OPENAI_RESPONSES_API_VERSION", "2025-03-01-preview"));
    classicClient = OpenAIOkHttpClient.builder().baseUrl(classic.providerUrl("azure")).apiKey(KEY).maxRetries(0).build();
    foundryClient = OpenAIOkHttpClient.builder().baseUrl(foundry.providerUrl("azure")).apiKey(KEY).maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    classicClient.close();
    foundryClient.close();
    classic.close();
    foundry.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static void assertAzureKey(RecordedRequest received, String key) {
    assertThat(received.header("api-key")).isEqualTo(key);
    assertThat(received.header("Authorization")).isNull();
  }

  @Test
  void classicChatGoesToTheDeploymentPathWithTheApiVersionAndTheKeyInApiKey() {
    upstream.on("POST", "/res/openai/deployments/gpt-4o-prod/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o-2024-08-06", "Hello from Azure", 10, 4)));

    ChatCompletion completion = classicClient.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o-prod").addUserMessage("Hi").build());

    assertThat(completion.choices().get(0).message().content()).hasValue("Hello from Azure");
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo("/res/openai/deployments/gpt-4o-prod/chat/completions");
    assertThat(received.query()).isEqualTo("api-version=2024-02-01");
    assertAzureKey(received, KEY);
    assertThat(received.json().getString("model")).isEqualTo("gpt-4o-prod");
  }

  @Test
  void classicChatStream() {
    upstream.on("POST", "/res/openai/deployments/gpt-4o-prod/chat/completions",
        OpenAiWire.chatStream(OpenAiWire.chatTextStream("gpt-4o", List.of("Az", "ure"), 3, 2)));

    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = classicClient.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("gpt-4o-prod").addUserMessage("Hi").build())) {
      stream.stream().forEach(accumulator::accumulate);
    }

    assertThat(accumulator.chatCompletion().choices().get(0).message().content()).hasValue("Azure");
    assertThat(upstream.last().query()).isEqualTo("api-version=2024-02-01");
  }

  @Test
  void classicResponsesGoToTheResponsesPathWithItsOwnApiVersionAndTheDeploymentInModel() {
    upstream.on("POST", "/res/openai/responses", (request, body) -> {
      if (body.toJsonObject().getBoolean("stream", false)) {
        OpenAiWire.responseStream(OpenAiWire.responseTextStream("gpt-41-mini", List.of("Hel", "lo"), 5, 2))
            .respond(request, body);
      } else {
        RecordingUpstream.json(200, OpenAiWire.response("gpt-41-mini", "Hello", 5, 2)).respond(request, body);
      }
    });

    Response response = classicClient.responses().create(ResponseCreateParams.builder()
        .model("gpt-41-mini").input("Hi").build());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Hello");
    RecordedRequest plain = upstream.last();
    assertThat(plain.path()).isEqualTo("/res/openai/responses");
    assertThat(plain.query()).isEqualTo("api-version=2025-04-01-preview");
    assertThat(plain.json().getString("model")).isEqualTo("gpt-41-mini");
    assertAzureKey(plain, KEY);

    ResponseAccumulator accumulator = ResponseAccumulator.create();
    try (StreamResponse<ResponseStreamEvent> stream = classicClient.responses().createStreaming(
        ResponseCreateParams.builder().model("gpt-41-mini").input("Hi").build())) {
      stream.stream().forEach(accumulator::accumulate);
    }
    assertThat(accumulator.response().output().get(0).asMessage().content().get(0).asOutputText().text())
        .isEqualTo("Hello");
    assertThat(upstream.last().query()).isEqualTo("api-version=2025-04-01-preview");
  }

  @Test
  void classicModelsListTheReadyDeploymentsInOpenAisFormat() {
    upstream.on("GET", "/res/openai/deployments", RecordingUpstream.json(200, DEPLOYMENTS));

    List<Model> models = classicClient.models().list().autoPager().stream().toList();

    // The deployment still being created is left out; one without an owner is owned by "azure".
    assertThat(models).extracting(Model::id).containsExactly("gpt-4o-prod", "gpt-41-mini");
    assertThat(models).extracting(Model::created).containsExactly(1710000000L, 1710000001L);
    assertThat(models).extracting(Model::ownedBy).containsExactly("organization-owner", "azure");
    assertThat(upstream.last().query()).isEqualTo("api-version=2024-02-01");
    assertAzureKey(upstream.last(), KEY);
  }

  @Test
  void aDeploymentListTheUpstreamRefusesGivesAClearError() {
    upstream.on("GET", "/res/openai/deployments", RecordingUpstream.json(404,
        "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}"));

    assertThatThrownBy(() -> classicClient.models().list())
        .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.getMessage())
            .contains("Could not list the models of azure").contains("answered HTTP 404")
            .contains("https://<resource-name>.openai.azure.com/openai"));
  }

  @Test
  void upstreamErrorsPassThroughWithStatusAndBody() {
    upstream.on("POST", "/res/openai/deployments/gpt-4o-prod/chat/completions", RecordingUpstream.json(429,
        "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation have exceeded the"
            + " token rate limit.\"}}", Map.of("retry-after", "12")));

    assertThatThrownBy(() -> classicClient.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o-prod").addUserMessage("Hi").build()))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.headers().values("retry-after")).containsExactly("12");
          assertThat(e.getMessage()).contains("exceeded the token rate limit");
        });
  }

  @Test
  void aModelThatIsNotADeploymentNameIsRefusedBeforeAnyUpstreamCall() {
    assertThatThrownBy(() -> classicClient.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("../../admin").addUserMessage("Hi").build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("is not an Azure deployment name");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void foundryV1UsesOpenAisPathsWithoutApiVersion() {
    upstream.on("POST", "/foundry/openai/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("grok-3", "v1 chat", 2, 2)));
    upstream.on("POST", "/foundry/openai/v1/responses",
        RecordingUpstream.json(200, OpenAiWire.response("gpt-41-mini", "v1 responses", 2, 2)));
    upstream.on("GET", "/foundry/openai/v1/models", RecordingUpstream.json(200, OpenAiWire.models("grok-3")));

    ChatCompletion completion = foundryClient.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("grok-3").addUserMessage("Hi").build());
    assertThat(completion.choices().get(0).message().content()).hasValue("v1 chat");
    RecordedRequest chat = upstream.last();
    assertThat(chat.path()).isEqualTo("/foundry/openai/v1/chat/completions");
    assertThat(chat.query()).isNull();
    assertAzureKey(chat, KEY);

    Response response = foundryClient.responses().create(ResponseCreateParams.builder()
        .model("gpt-41-mini").input("Hi").build());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("v1 responses");
    assertThat(upstream.last().path()).isEqualTo("/foundry/openai/v1/responses");
    assertThat(upstream.last().query()).isNull();

    assertThat(foundryClient.models().list().autoPager().stream().map(Model::id).toList()).containsExactly("grok-3");
    assertThat(upstream.last().path()).isEqualTo("/foundry/openai/v1/models");
    assertThat(upstream.last().query()).isNull();
  }

  @Test
  void callsGoToTheKeysInferenceUrlWhileModelsComeFromTheBaseUrl() throws Exception {
    upstream.on("POST", "/runtime/openai/deployments/gpt-4o-prod/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "from the inference URL", 1, 1)));
    upstream.on("GET", "/foundry/openai/v1/models", RecordingUpstream.json(200, OpenAiWire.models("gpt-4o-prod")));
    UpstreamCredential stored = new UpstreamCredential("azure-stored-key", upstream.baseUrl("/runtime/openai"), Map.of());
    String virtualKey = "Bearer pc-vk-0123456789abcdefghijklmnopqrstuv";

    Object chat = ProviderBus.call(foundry.portcullis().vertx(), "azure", "chat.completions", "POST",
        "/chat/completions", ProviderBus.jsonHeaders(virtualKey), "{\"model\":\"gpt-4o-prod\",\"messages\":[]}",
        "gpt-4o-prod", stored);
    assertThat(chat).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    RecordedRequest received = upstream.awaitRequest(5, TimeUnit.SECONDS);
    // The key's URL is a classic one: its deployment path and this process's configured api-version.
    assertThat(received.path()).isEqualTo("/runtime/openai/deployments/gpt-4o-prod/chat/completions");
    assertThat(received.query()).isEqualTo("api-version=2024-10-21");
    assertAzureKey(received, "azure-stored-key");

    Object models = ProviderBus.call(foundry.portcullis().vertx(), "azure", "models", "GET", "/models",
        ProviderBus.jsonHeaders(virtualKey), null, null, stored);
    assertThat(models).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    assertThat(upstream.awaitRequest(5, TimeUnit.SECONDS).path()).isEqualTo("/foundry/openai/v1/models");
  }

  @Test
  void aDeploymentSpecificBaseUrlStopsTheProcessAtStartUp() throws Exception {
    JsonObject env = new JsonObject()
        .put("PORTCULLIS_PORT", String.valueOf(PortcullisUnderTest.freePort()))
        .put("ARCHESTRA_METRICS_PORT", String.valueOf(PortcullisUnderTest.freePort()))
        .put("PORTCULLIS_HOST", "127.0.0.1")
        .put("ARCHESTRA_AZURE_OPENAI_BASE_URL", "https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod");

    Throwable failure = Portcullis.start(new LaunchOptions(new JsonObject(), null, false), env)
        .toCompletionStage().toCompletableFuture()
        .handle((started, error) -> error).get(20, TimeUnit.SECONDS);

    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    assertThat(cause).isInstanceOfSatisfying(SettingsException.class, e -> {
      assertThat(e.setting()).isEqualTo("ARCHESTRA_AZURE_OPENAI_BASE_URL");
      assertThat(e.getMessage()).contains("deployment-specific URL")
          .contains("https://contoso.openai.azure.com/openai ")
          .contains("https://<resource-name>.services.ai.azure.com/openai/v1");
    });
  }
}
