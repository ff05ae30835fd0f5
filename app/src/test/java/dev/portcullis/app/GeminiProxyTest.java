package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListModelsConfig;
import com.google.genai.types.Model;
import com.google.genai.types.Schema;
import com.google.genai.types.Tool;
import com.google.genai.types.Type;
import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Gemini (Google AI Studio mode) through Portcullis with the official google-genai SDK, against a
 * test upstream speaking Gemini's wire format: generate, both stream framings relayed as they
 * arrive, function calling, countTokens, models, and errors native and Portcullis' own.
 */
@Timeout(20)
class GeminiProxyTest {

  private static final String KEY = "AIzaSy-test-client-key-0123456789";
  private static final String MODEL = "gemini-2.5-flash";
  /** google-genai 2.x calls the GA version, {@code v1}, by default. */
  private static final String GENERATE = "/v1/models/" + MODEL + ":generateContent";
  private static final String STREAM = "/v1/models/" + MODEL + ":streamGenerateContent";
  private static final String BETA_GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
  private static final String BETA_STREAM = "/v1beta/models/" + MODEL + ":streamGenerateContent";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static Client client;
  // HTTP/1.1: the JDK client's h2c upgrade of a POST is flaky against the gateway (see the report).
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("")));
    client = Client.builder()
        .apiKey(KEY)
        .httpOptions(HttpOptions.builder().baseUrl(portcullis.providerUrl("gemini"))
            .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
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
  void generateContentReachesTheUpstreamWithTheClientsKeyAndBodyUntouched() {
    upstream.on("POST", GENERATE, RecordingUpstream.json(200,
        GeminiWire.generateContent("gemini-2.5-flash-001", "Hello there!", 6, 3)));

    GenerateContentResponse response = client.models.generateContent(MODEL, "Say hello",
        GenerateContentConfig.builder().temperature(0.2f).maxOutputTokens(64).build());

    assertThat(response.text()).isEqualTo("Hello there!");
    assertThat(response.usageMetadata().orElseThrow().promptTokenCount()).hasValue(6);
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo(GENERATE);
    assertThat(received.header("x-goog-api-key")).isEqualTo(KEY);
    JsonObject body = received.json();
    assertThat(body.getJsonArray("contents").getJsonObject(0).getJsonArray("parts").getJsonObject(0)
        .getString("text")).isEqualTo("Say hello");
    assertThat(body.getJsonObject("generationConfig").getInteger("maxOutputTokens")).isEqualTo(64);
  }

  @Test
  void sseStreamReachesTheClientChunkByChunkAsTheUpstreamProducesIt() {
    List<String> chunks = GeminiWire.textStreamChunks("gemini-2.5-flash-001", List.of("Hel", "lo, ", "world!"), 5, 4);
    SseScript script = SseScript.create().contentType("text/event-stream")
        .raw("data: " + chunks.get(0) + "\r\n\r\n")
        .gate("rest")
        .raw("data: " + chunks.get(1) + "\r\n\r\n")
        .raw("data: " + chunks.get(2) + "\r\n\r\n");
    upstream.on("POST", STREAM, script);

    List<String> texts = new ArrayList<>();
    GenerateContentResponse last = null;
    try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(MODEL, "Greet", null)) {
      Iterator<GenerateContentResponse> events = stream.iterator();
      // The first chunk arrives while the upstream still holds the rest back.
      texts.add(events.next().text());
      script.open("rest");
      while (events.hasNext()) {
        last = events.next();
        texts.add(last.text());
      }
    }

    assertThat(texts).containsExactly("Hel", "lo, ", "world!");
    assertThat(last.usageMetadata().orElseThrow().candidatesTokenCount()).hasValue(4);
    assertThat(upstream.last().query()).isEqualTo("alt=sse");
    assertThat(upstream.last().header("x-goog-api-key")).isEqualTo(KEY);
  }

  @Test
  void functionCallingRoundTripsDeclarationsAndCalls() {
    upstream.on("POST", GENERATE, RecordingUpstream.json(200, GeminiWire.functionCall("gemini-2.5-flash-001",
        "get_weather", new JsonObject().put("city", "Paris").put("unit", "celsius"), 30, 8)));
    FunctionDeclaration getWeather = FunctionDeclaration.builder()
        .name("get_weather")
        .description("Current weather for a city")
        .parameters(Schema.builder().type(Type.Known.OBJECT)
            .properties(Map.of("city", Schema.builder().type(Type.Known.STRING).build(),
                "unit", Schema.builder().type(Type.Known.STRING).build()))
            .required(List.of("city")).build())
        .build();

    GenerateContentResponse response = client.models.generateContent(MODEL, "Weather in Paris?",
        GenerateContentConfig.builder().tools(Tool.builder().functionDeclarations(getWeather).build()).build());

    FunctionCall call = response.functionCalls().get(0);
    assertThat(call.name()).hasValue("get_weather");
    assertThat(call.args().orElseThrow()).containsEntry("city", "Paris").containsEntry("unit", "celsius");
    JsonArray declarations = upstream.last().json().getJsonArray("tools").getJsonObject(0)
        .getJsonArray("functionDeclarations");
    assertThat(declarations.getJsonObject(0).getString("name")).isEqualTo("get_weather");
    assertThat(declarations.getJsonObject(0).getJsonObject("parameters").getJsonArray("required"))
        .containsExactly("city");
  }

  @Test
  void jsonArrayStreamIsRelayedAsItArrivesWithItsBytesUntouched() throws Exception {
    List<String> chunks = GeminiWire.textStreamChunks("gemini-2.5-flash-001", List.of("One", " two", " three"), 4, 3);
    SseScript script = SseScript.create().contentType("application/json; charset=UTF-8")
        .raw("[" + chunks.get(0))
        .gate("rest")
        .raw(",\r\n" + chunks.get(1))
        .raw(",\r\n" + chunks.get(2))
        .raw("]");
    upstream.on("POST", BETA_STREAM, script);
    String expected = "[" + chunks.get(0) + ",\r\n" + chunks.get(1) + ",\r\n" + chunks.get(2) + "]";

    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("gemini") + BETA_STREAM))
        .header("x-goog-api-key", KEY).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Count\"}]}]}"))
        .build(), HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=UTF-8");
    try (InputStream in = response.body()) {
      byte[] first = in.readNBytes(1 + chunks.get(0).length());
      // The first element arrived before the upstream was allowed to send the rest.
      assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("[" + chunks.get(0));
      script.open("rest");
      String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(new String(first, StandardCharsets.UTF_8) + rest).isEqualTo(expected);
    }
    assertThat(upstream.last().query()).isNull();
  }

  @Test
  void usageIsReadFromBothStreamFramings() throws Exception {
    List<String> sse = GeminiWire.textStreamChunks("gemini-usage-sse-001", List.of("a", "b", "c"), 10, 6);
    List<String> array = GeminiWire.textStreamChunks("gemini-usage-array-001", List.of("a", "b"), 8, 5);
    upstream.on("POST", STREAM, (request, body) -> {
      if ("alt=sse".equals(request.query())) {
        GeminiWire.sseStream(sse, 1).respond(request, body);
      } else {
        GeminiWire.jsonArrayStream(array, 1).respond(request, body);
      }
    });

    try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(MODEL, "Go", null)) {
      stream.forEach(chunk -> { });
    }
    HttpResponse<String> raw = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("gemini") + STREAM)).header("x-goog-api-key", KEY)
        .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(new JsonArray(raw.body())).hasSize(2);

    assertThat(MetricsScrape.await(portcullis, "portcullis_tokens_total",
        Map.of("provider", "gemini", "model", "gemini-usage-sse-001", "direction", "output"))).isEqualTo(6.0);
    assertThat(MetricsScrape.await(portcullis, "portcullis_tokens_total",
        Map.of("provider", "gemini", "model", "gemini-usage-array-001", "direction", "input"))).isEqualTo(8.0);
  }

  @Test
  void keyInTheQueryIsForwardedAsItCame() throws Exception {
    upstream.on("POST", BETA_GENERATE, RecordingUpstream.json(200, GeminiWire.generateContent(MODEL, "ok", 1, 1)));

    HttpResponse<String> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("gemini") + BETA_GENERATE + "?key=" + KEY))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}"))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().query()).isEqualTo("key=" + KEY);
    assertThat(upstream.last().header("x-goog-api-key")).isNull();
  }

  @Test
  void countTokensAndModels() {
    upstream.on("POST", "/v1/models/" + MODEL + ":countTokens",
        RecordingUpstream.json(200, GeminiWire.countTokens(17)));
    upstream.on("GET", "/v1/models",
        RecordingUpstream.json(200, GeminiWire.models("gemini-2.5-flash", "gemini-2.5-pro")));

    assertThat(client.models.countTokens(MODEL, "How many tokens is this?", null).totalTokens()).hasValue(17);
    assertThat(upstream.last().path()).isEqualTo("/v1/models/" + MODEL + ":countTokens");

    List<String> names = new ArrayList<>();
    for (Model model : client.models.list(ListModelsConfig.builder().pageSize(50).build())) {
      names.add(model.name().orElseThrow());
    }
    assertThat(names).containsExactly("models/gemini-2.5-flash", "models/gemini-2.5-pro");
    RecordedRequest listed = upstream.last();
    assertThat(listed.method()).isEqualTo("GET");
    assertThat(listed.query()).contains("pageSize=50");
    assertThat(listed.header("x-goog-api-key")).isEqualTo(KEY);
  }

  @Test
  void nativeErrorsPassThroughWithTheirStatusAndBody() throws Exception {
    String error = GeminiWire.error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
    upstream.on("POST", GENERATE, RecordingUpstream.json(400, error));

    assertThatThrownBy(() -> client.models.generateContent(MODEL, "hi", null))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
          assertThat(e.message()).contains("API key not valid");
        });
    HttpResponse<String> raw = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("gemini") + GENERATE)).header("x-goog-api-key", KEY)
        .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(raw.statusCode()).isEqualTo(400);
    assertThat(raw.body()).isEqualTo(error);
  }

  @Test
  void portcullisOwnErrorsUseGooglesErrorFormat() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("gemini") + GENERATE)).header("x-goog-api-key", KEY)
        .POST(HttpRequest.BodyPublishers.ofString("{\"contents\": [")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(response.body()).getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(400);
    assertThat(error.getString("status")).isEqualTo("INVALID_ARGUMENT");
    assertThat(error.getString("message")).contains("JSON");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void streamFailingMidwayEndsWithAnErrorChunkTheSdkRaises() throws Exception {
    List<String> chunks = GeminiWire.textStreamChunks("gemini-2.5-flash-001", List.of("Part"), 1, 1);
    upstream.on("POST", STREAM, (request, body) -> {
      request.response().setChunked(true).putHeader("content-type", "text/event-stream")
          .write("data: " + chunks.get(0) + "\r\n\r\n");
      request.connection().close();
    });
    assertThatThrownBy(() -> {
      try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(MODEL, "hi", null)) {
        stream.forEach(chunk -> { });
      }
    }).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo("UNAVAILABLE"));
    upstream.awaitRequest(1, TimeUnit.SECONDS);
  }
}
