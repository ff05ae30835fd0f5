package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListModelsConfig;
import com.google.genai.types.Model;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.provider.gemini.GoogleAccessTokenSource;
import dev.portcullis.provider.gemini.VertexAiEndpoint;
import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.GoogleTokenEndpoint;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Gemini in Vertex AI mode: calls are rewritten to the project's publisher-model URLs and carry a
 * bearer token that google-auth-library obtained with a service-account credentials file, through
 * its real JWT-assertion flow against a local token endpoint. Clients send no key (from this
 * machine) or a Portcullis virtual key, which never reaches Vertex AI; a key of their own is
 * refused, since Vertex AI would only see the server's identity (issue 10, point 1).
 */
@Timeout(20)
class GeminiVertexAiTest {

  private static final String MODEL = "gemini-2.5-flash";
  private static final String VERTEX_MODEL_PATH =
      "/v1/projects/test-project/locations/europe-west4/publishers/google/models/" + MODEL;

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static GoogleTokenEndpoint tokenEndpoint;
  private static PortcullisUnderTest portcullis;
  private static Path credentialsDir;
  /** A virtual key mapped to a Gemini provider key without an API key: Vertex AI's identity is the server's. */
  private static String virtualKey;
  // HTTP/1.1: the JDK client's h2c upgrade of a POST is flaky against the gateway (see the report).
  /** Vertex AI mode is Gemini's server identity: on when its setting is. */
  private static final String VERTEX_AI_ENABLED = NativeProviders.GEMINI.serverIdentity().setting();
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    tokenEndpoint = GoogleTokenEndpoint.start(upstreamVertx, 3600);
    credentialsDir = Files.createTempDirectory("vertex-credentials");
    Path credentials = tokenEndpoint.writeServiceAccountFile(credentialsDir.resolve("service-account.json"));
    portcullis = PortcullisUnderTest.start(Map.of(
        // One provider instance, so one token cache: every call of this class must reuse one token.
        "PORTCULLIS_PROVIDER_INSTANCES", "1",
        VERTEX_AI_ENABLED, "true",
        VertexAiEndpoint.PROJECT, "test-project",
        VertexAiEndpoint.LOCATION, "europe-west4",
        VertexAiEndpoint.CREDENTIALS_FILE, credentials.toString(),
        VertexAiEndpoint.BASE_URL, upstream.baseUrl("")));
    AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    String providerKeyId = admin.create("provider-keys", new JsonObject().put("provider", "gemini")
        .put("name", "vertex")).getString("id");
    virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "vertex-app")
        .put("providerKeyIds", new io.vertx.core.json.JsonArray().add(providerKeyId))).getString("key");
  }

  @AfterAll
  static void stop() throws Exception {
    portcullis.close();
    tokenEndpoint.close();
    upstream.close();
    upstreamVertx.close().await();
    try (var files = Files.list(credentialsDir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(credentialsDir);
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  @Test
  void keylessCallIsRewrittenToTheProjectsModelWithAServiceAccountBearer() throws Exception {
    upstream.on("POST", VERTEX_MODEL_PATH + ":generateContent",
        RecordingUpstream.json(200, GeminiWire.generateContent(MODEL, "Hi from Vertex", 4, 3)));
    String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}";

    HttpResponse<String> first = post("/v1beta/models/" + MODEL + ":generateContent", body);
    HttpResponse<String> second = post("/v1beta/models/" + MODEL + ":generateContent", body);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(first.body()).getJsonArray("candidates").getJsonObject(0).getJsonObject("content")
        .getJsonArray("parts").getJsonObject(0).getString("text")).isEqualTo("Hi from Vertex");
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo(VERTEX_MODEL_PATH + ":generateContent");
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + GoogleTokenEndpoint.accessToken(1));
    assertThat(received.bodyText()).isEqualTo(body);
    // One token, fetched with a JWT the service account signed for the cloud-platform scope, reused.
    assertThat(tokenEndpoint.rejections()).isEmpty();
    assertThat(tokenEndpoint.issuedCount()).isEqualTo(1);
    assertThat(tokenEndpoint.assertions().get(0).getString("scope")).isEqualTo(GoogleAccessTokenSource.SCOPE);
  }

  @Test
  void sdkStreamGoesToVertexWithAltSseAndTheVirtualKeyIsDropped() {
    upstream.on("POST", VERTEX_MODEL_PATH + ":streamGenerateContent", GeminiWire.sseStream(
        GeminiWire.textStreamChunks(MODEL, List.of("Stream", "ed"), 3, 2), 0));
    Client client = Client.builder()
        .apiKey(virtualKey)
        .httpOptions(HttpOptions.builder().baseUrl(portcullis.providerUrl("gemini")).apiVersion("v1beta")
            .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
        .build();

    List<String> texts = new ArrayList<>();
    try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(MODEL, "Go", null)) {
      stream.forEach(chunk -> texts.add(chunk.text()));
    }

    assertThat(texts).containsExactly("Stream", "ed");
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo(VERTEX_MODEL_PATH + ":streamGenerateContent");
    assertThat(received.query()).isEqualTo("alt=sse");
    assertThat(received.header("x-goog-api-key")).isNull();
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + GoogleTokenEndpoint.accessToken(1));
  }

  @Test
  void queryKeyIsDroppedAndModelsComeFromThePublisherList() throws Exception {
    upstream.on("GET", "/v1beta1/publishers/google/models", RecordingUpstream.json(200, """
        {"publisherModels":[{"name":"publishers/google/models/gemini-2.5-flash","versionId":"001",\
        "openSourceCategory":"PROPRIETARY","launchStage":"GA"}],"nextPageToken":"next-1"}"""));

    HttpResponse<String> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("gemini")
            + "/v1beta/models?key=" + virtualKey + "&pageSize=10&pageToken=tok-0&view=FULL")).GET().build(),
        HttpResponse.BodyHandlers.ofString());

    // Answered in AI Studio's format; only the page parameters go to Vertex AI.
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject("""
        {"models":[{"name":"models/gemini-2.5-flash","version":"001",\
        "supportedGenerationMethods":["generateContent","streamGenerateContent","countTokens"]}],\
        "nextPageToken":"next-1"}"""));
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo("/v1beta1/publishers/google/models");
    assertThat(received.query()).isEqualTo("pageSize=10&pageToken=tok-0");
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + GoogleTokenEndpoint.accessToken(1));
    assertThat(tokenEndpoint.issuedCount()).isEqualTo(1);
  }

  @Test
  void sdkListsVertexModelsPageByPage() {
    // Two pages: the second is asked for with the first's nextPageToken.
    upstream.on("GET", "/v1beta1/publishers/google/models", (request, body) -> {
      boolean second = "page-2".equals(request.getParam("pageToken"));
      request.response().putHeader("content-type", "application/json").end(second
          ? "{\"publisherModels\":[{\"name\":\"publishers/google/models/gemini-2.0-flash-001\",\"versionId\":\"001\"}]}"
          : "{\"publisherModels\":[{\"name\":\"publishers/google/models/gemini-2.5-pro\",\"versionId\":\"default\"},"
              + "{\"name\":\"publishers/google/models/imagen-4.0-generate-001\"}],\"nextPageToken\":\"page-2\"}");
    });
    Client client = Client.builder()
        .apiKey(virtualKey)
        .httpOptions(HttpOptions.builder().baseUrl(portcullis.providerUrl("gemini")).apiVersion("v1beta")
            .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
        .build();

    List<Model> models = new ArrayList<>();
    client.models.list(ListModelsConfig.builder().pageSize(2).build()).forEach(models::add);

    assertThat(models).extracting(m -> m.name().orElseThrow())
        .containsExactly("models/gemini-2.5-pro", "models/imagen-4.0-generate-001", "models/gemini-2.0-flash-001");
    assertThat(models.get(2).version()).contains("001");
    assertThat(models.get(0).supportedActions()).contains(
        List.of("generateContent", "streamGenerateContent", "countTokens"));
    assertThat(models.get(1).supportedActions()).isEmpty();
    List<RecordedRequest> received = upstream.received();
    assertThat(received).extracting(RecordedRequest::query)
        .containsExactly("pageSize=2", "pageSize=2&pageToken=page-2");
    assertThat(received.get(1).header("x-goog-api-key")).isNull();
  }

  @Test
  void sdkWithAJunkKeyIsRefusedAndVertexSeesNothing() {
    Client client = Client.builder()
        .apiKey("x")
        .httpOptions(HttpOptions.builder().baseUrl(portcullis.providerUrl("gemini")).apiVersion("v1beta")
            .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
        .build();

    assertThatThrownBy(() -> client.models.generateContent(MODEL, "Hello", null))
        .isInstanceOfSatisfying(com.google.genai.errors.ClientException.class, e -> {
          assertThat(e.code()).isEqualTo(401);
          assertThat(e.getMessage()).contains("virtual key").contains("trusted network");
        });
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void vertexSettingsAreCheckedAndGlobalUsesTheGlobalHost() {
    assertThatThrownBy(() -> VertexAiEndpoint.from(new Settings(new JsonObject().put(VERTEX_AI_ENABLED, "true"))))
        .isInstanceOfSatisfying(SettingsException.class,
            e -> assertThat(e.setting()).isEqualTo(VertexAiEndpoint.PROJECT));
    VertexAiEndpoint global = VertexAiEndpoint.from(new Settings(new JsonObject()
        .put(VERTEX_AI_ENABLED, "true").put(VertexAiEndpoint.PROJECT, "p").put(VertexAiEndpoint.LOCATION, "global")));
    assertThat(global.modelMethodUrl("gemini-2.5-pro", "generateContent")).isEqualTo(
        "https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-pro:generateContent");
    VertexAiEndpoint regional = VertexAiEndpoint.from(new Settings(new JsonObject()
        .put(VERTEX_AI_ENABLED, "true").put(VertexAiEndpoint.PROJECT, "p")));
    assertThat(regional.modelsUrl()).isEqualTo("https://us-central1-aiplatform.googleapis.com/v1beta1/publishers/google/models");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder().uri(URI.create(portcullis.providerUrl("gemini") + path))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
