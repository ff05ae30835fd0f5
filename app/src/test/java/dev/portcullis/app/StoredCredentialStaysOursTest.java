package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.google.genai.Client;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.AnthropicWire;
import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.GeminiWire;
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
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Issue 10, point 6, "Nothing selects someone else's account", end to end through the gateway
 * with each provider's official SDK: when Portcullis injects a stored key, the caller's headers and
 * query parameters that would pick another organisation, project or principal never reach the
 * upstream ({@code OpenAI-Organization}, {@code x-goog-user-project}, {@code ?%6Bey=},
 * {@code X-Amz-Security-Token}); the answer's headers never name the key's organisation; and an
 * upstream 401/403 about our key reaches the caller as a Portcullis error that quotes nothing of
 * it, whole or streamed. A passthrough caller's own 401 and headers are untouched. At the end, no
 * stored key or organisation id may appear in any log line or in {@code /metrics}.
 */
@Timeout(60)
class StoredCredentialStaysOursTest {

  private static final String OPENAI_KEY = "sk-proj-STOREDopenaiKEY0123456789abcdef";
  private static final String GEMINI_KEY = "AIzaSySTOREDgeminiKEY0123456789abcd";
  private static final String ANTHROPIC_KEY = "sk-ant-api03-STOREDanthropicKEY0123456789";
  private static final String BEDROCK_KEY = "ABSKSTOREDbedrockKEY0123456789abcdef";
  private static final String ORG_ID = "org-STOREDorganisation42";
  private static final String PROJECT_ID = "proj_STOREDproject42";
  private static final List<String> SECRETS = List.of(OPENAI_KEY, GEMINI_KEY, ANTHROPIC_KEY, BEDROCK_KEY, ORG_ID,
      PROJECT_ID, "sk-proj-STORED", "STOREDopenaiKEY", "STOREDorganisation");

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static String virtualKey;
  private static ListAppender<ILoggingEvent> logs;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    logs = new ListAppender<>();
    logs.start();
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai/v1"),
        "ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("/gemini"),
        "ARCHESTRA_ANTHROPIC_BASE_URL", upstream.baseUrl("/anthropic"),
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl("/bedrock")));
    AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    JsonArray keys = new JsonArray();
    Map.of("openai", OPENAI_KEY, "gemini", GEMINI_KEY, "anthropic", ANTHROPIC_KEY, "bedrock", BEDROCK_KEY)
        .forEach((provider, key) -> keys.add(admin.create("provider-keys", new JsonObject().put("provider", provider)
            .put("name", "team-" + provider).put("apiKey", key)).getString("id")));
    virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "app").put("providerKeyIds", keys))
        .getString("key");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      String metrics = http.send(HttpRequest.newBuilder()
          .uri(URI.create("http://127.0.0.1:" + portcullis.metricsPort() + "/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).isNotEmpty();
      SECRETS.forEach(secret -> assertThat(metrics).doesNotContain(secret));
      for (ILoggingEvent event : logs.list) {
        String text = event.getFormattedMessage() + throwableText(event.getThrowableProxy());
        SECRETS.forEach(secret -> assertThat(text).as("log line of %s", event.getLoggerName()).doesNotContain(secret));
      }
    } finally {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
      portcullis.close();
      upstream.close();
      upstreamVertx.close().await();
    }
  }

  private static String throwableText(IThrowableProxy proxy) {
    return proxy == null ? "" : proxy.getClassName() + ": " + proxy.getMessage() + throwableText(proxy.getCause());
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static OpenAIClient openai(String key) {
    return OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai")).apiKey(key)
        .organization("org-callers-choice").project("proj-callers-choice").maxRetries(0).build();
  }

  private static final ChatCompletionCreateParams CHAT = ChatCompletionCreateParams.builder()
      .model("gpt-4o").addUserMessage("hello").build();

  /** OpenAI's answers name the key's organisation and project, as api.openai.com does. */
  private static final Map<String, String> ACCOUNT_HEADERS = Map.of("openai-organization", ORG_ID,
      "openai-project", PROJECT_ID);

  @Test
  void openAiOrganizationAndProjectOfTheCallerNeverTravelWithTheStoredKey() {
    upstream.on("POST", "/openai/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "hi", 2, 1), ACCOUNT_HEADERS));

    com.openai.core.http.HttpResponseFor<ChatCompletion> answer =
        openai(virtualKey).chat().completions().withRawResponse().create(CHAT);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().names()).noneMatch(name -> name.equalsIgnoreCase("openai-organization")
        || name.equalsIgnoreCase("openai-project"));
    RecordedRequest received = upstream.last();
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + OPENAI_KEY);
    assertThat(received.header("OpenAI-Organization")).isNull();
    assertThat(received.header("OpenAI-Project")).isNull();
  }

  @Test
  void aPassthroughCallerPicksItsOwnOrganization() {
    upstream.on("POST", "/openai/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "hi", 2, 1), ACCOUNT_HEADERS));

    com.openai.core.http.HttpResponseFor<ChatCompletion> answer =
        openai("sk-callers-own-key").chat().completions().withRawResponse().create(CHAT);

    assertThat(answer.headers().values("openai-organization")).containsExactly(ORG_ID);
    assertThat(upstream.last().header("OpenAI-Organization")).isEqualTo("org-callers-choice");
    assertThat(upstream.last().header("OpenAI-Project")).isEqualTo("proj-callers-choice");
  }

  /** What api.openai.com answers a refused key: part of it and the organisation, quoted back. */
  private static final String OPENAI_REFUSAL = OpenAiWire.error("invalid_request_error",
      "Incorrect API key provided: sk-proj-STORED****cdef. Organization " + ORG_ID + " has no access.",
      "invalid_api_key");

  @Test
  void anUpstream401AboutTheStoredKeyQuotesNothingOfIt() {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(401, OPENAI_REFUSAL, ACCOUNT_HEADERS));

    assertThatThrownBy(() -> openai(virtualKey).chat().completions().create(CHAT))
        .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(401);
          String seen = e.getMessage() + e.body() + e.headers().names();
          assertThat(seen).contains("administrator").contains("provider key");
          SECRETS.forEach(secret -> assertThat(seen).doesNotContain(secret));
          assertThat(e.headers().names()).noneMatch(name -> name.equalsIgnoreCase("openai-organization"));
        });
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void aStreamedCallWhoseStoredKeyIsRefusedQuotesNothingOfItEither() {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(401, OPENAI_REFUSAL, ACCOUNT_HEADERS));

    assertThatThrownBy(() -> {
      try (StreamResponse<ChatCompletionChunk> stream = openai(virtualKey).chat().completions().createStreaming(CHAT)) {
        stream.stream().forEach(chunk -> {});
      }
    }).isInstanceOfSatisfying(UnauthorizedException.class, e -> {
      String seen = e.getMessage() + e.body() + e.headers().names();
      assertThat(seen).contains("administrator");
      SECRETS.forEach(secret -> assertThat(seen).doesNotContain(secret));
    });
  }

  @Test
  void aPassthroughCallersOwn401PassesThroughAsItCame() {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(401, OpenAiWire.error(
        "invalid_request_error", "Incorrect API key provided: sk-calle****-key.", "invalid_api_key")));

    assertThatThrownBy(() -> openai("sk-callers-own-key").chat().completions().create(CHAT))
        .isInstanceOfSatisfying(UnauthorizedException.class,
            e -> assertThat(e.getMessage()).contains("Incorrect API key provided: sk-calle****-key."));
  }

  @Test
  void geminiKeyParametersInAnySpellingAndTheCallersBillingProjectAreDropped() throws Exception {
    String path = "/gemini/v1beta/models/gemini-2.5-flash:generateContent";
    upstream.on("POST", path, RecordingUpstream.json(200, GeminiWire.generateContent("gemini-2.5-flash", "hi", 1, 1)));

    HttpResponse<String> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("gemini") + "/v1beta/models/gemini-2.5-flash:generateContent"
            // The same virtual key in every spelling of ?key= (differing keys are refused as two
            // credentials, CredentialSmugglingTest): none of them may travel upstream.
            + "?%6Bey=" + virtualKey + "&KEY=" + virtualKey + "&k%65y=" + virtualKey
            + "&alt=json&%75serProject=callers-project"))
        .header("x-goog-api-key", virtualKey).header("x-goog-user-project", "callers-project")
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    RecordedRequest received = upstream.last();
    assertThat(received.query()).isEqualTo("alt=json");
    assertThat(received.headers().getAll("x-goog-api-key")).containsExactly(GEMINI_KEY);
    assertThat(received.header("x-goog-user-project")).isNull();
  }

  @Test
  void googleGenAiSdkCannotBillAnotherProjectWithTheStoredKey() {
    upstream.on("POST", "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
        RecordingUpstream.json(200, GeminiWire.generateContent("gemini-2.5-flash", "hi", 1, 1)));
    Client client = Client.builder().apiKey(virtualKey)
        .httpOptions(HttpOptions.builder().baseUrl(portcullis.providerUrl("gemini")).apiVersion("v1beta")
            .headers(Map.of("x-goog-user-project", "callers-project"))
            .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
        .build();

    GenerateContentResponse answer = client.models.generateContent("gemini-2.5-flash", "Hi", null);

    assertThat(answer.text()).isEqualTo("hi");
    assertThat(upstream.last().header("x-goog-user-project")).isNull();
    assertThat(upstream.last().header("x-goog-api-key")).isEqualTo(GEMINI_KEY);
  }

  @Test
  void anthropicNeverTellsTheCallerTheKeysOrganizationNorQuotesARefusal() {
    String path = "/anthropic/v1/messages";
    upstream.on("POST", path, RecordingUpstream.json(200, AnthropicWire.message("claude-sonnet-4-5", "hi", 3, 1),
        Map.of("anthropic-organization-id", ORG_ID)));
    AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(portcullis.providerUrl("anthropic"))
        .apiKey(virtualKey).maxRetries(0).build();
    MessageCreateParams params = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64)
        .addUserMessage("Hi").build();

    HttpResponseFor<Message> answer = client.messages().withRawResponse().create(params);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().names()).noneMatch(name -> name.equalsIgnoreCase("anthropic-organization-id"));
    assertThat(upstream.last().header("x-api-key")).isEqualTo(ANTHROPIC_KEY);

    upstream.on("POST", path, RecordingUpstream.json(403, AnthropicWire.error("permission_error",
        "API key sk-ant-api03-STORED... of organization " + ORG_ID + " may not use this model"),
        Map.of("anthropic-organization-id", ORG_ID)));
    assertThatThrownBy(() -> client.messages().create(params))
        .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          String seen = e.getMessage() + e.body() + e.headers().names();
          assertThat(seen).contains("administrator");
          SECRETS.forEach(secret -> assertThat(seen).doesNotContain(secret));
        });
  }

  @Test
  void bedrockNeverForwardsTheCallersAwsIdentityPartsWithTheStoredKey() throws Exception {
    String path = "/bedrock/model/amazon.nova-pro-v1%3A0/converse";
    upstream.on("POST", path, RecordingUpstream.json(200, BedrockWire.converse("hi", 1, 1)));

    HttpResponse<String> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("bedrock") + "/model/amazon.nova-pro-v1%3A0/converse"
            + "?X-Amz-Credential=AKIDCALLER%2F20261201%2Fus-east-1%2Fbedrock%2Faws4_request"))
        .header("Authorization", "Bearer " + virtualKey)
        .header("X-Amz-Security-Token", "callers-session-token")
        .header("X-Amz-Source-Account", "111122223333")
        .header("X-Amzn-Bedrock-Trace", "ENABLED")
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}"))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    RecordedRequest received = upstream.last();
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + BEDROCK_KEY);
    assertThat(received.headers().names()).noneMatch(name -> name.toLowerCase().startsWith("x-amz-"));
    assertThat(received.query()).isNull();
    assertThat(received.header("X-Amzn-Bedrock-Trace")).isEqualTo("ENABLED");
  }
}
