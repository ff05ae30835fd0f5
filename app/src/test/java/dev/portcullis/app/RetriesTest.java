package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.UpstreamResponder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Retries only when safe: a call is tried again only when the upstream cannot have acted on it and
 * nothing of its answer reached the client; never after the first relayed byte (in every stream
 * format), never on a plain 4xx, never more than the caller allows.
 */
class RetriesTest {

  private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String STREAMED_CHAT =
      "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String ANSWER = OpenAiWire.chatCompletion("gpt-4o", "second time lucky", 5, 3);

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.ofEntries(
        Map.entry("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai/v1")),
        Map.entry("ARCHESTRA_ANTHROPIC_BASE_URL", upstream.baseUrl("/anthropic")),
        Map.entry("ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("/gemini")),
        Map.entry("ARCHESTRA_COHERE_BASE_URL", upstream.baseUrl("/cohere")),
        Map.entry("ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl("/bedrock")),
        Map.entry("ARCHESTRA_GROQ_BASE_URL", upstream.baseUrl("/groq/openai/v1")),
        Map.entry("PORTCULLIS_OPENAI_FIRST_BYTE_TIMEOUT_MS", "600"),
        Map.entry("PORTCULLIS_RETRY_BACKOFF_MS", "20"),
        Map.entry("PORTCULLIS_RETRY_MAX_WAIT_MS", "1500"),
        // Circuits are CircuitBreakersTest's: here the failures each test makes must not open one.
        Map.entry("PORTCULLIS_CIRCUIT_MIN_CALLS", "100000")));
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

  private static HttpResponse<String> post(String provider, String path, String body, Map<String, String> headers)
      throws Exception {
    return HTTP.send(request(provider, path, body, headers), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(String provider, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(portcullis.providerUrl(provider) + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    // The caller's key where each API takes it, unless the call brings its own Authorization.
    Map<String, String> all = new java.util.LinkedHashMap<>(headers.containsKey("Authorization") ? Map.of()
        : Map.of("Authorization", "Bearer sk-retries", "x-api-key", "sk-retries"));
    all.putAll(headers);
    all.forEach(request::header);
    return request.build();
  }

  private static HttpResponse<String> chat(String body, Map<String, String> headers) throws Exception {
    return post("openai", "/chat/completions", body, headers);
  }

  /** Answers with {@code first} on the first request, {@code then} on every later one. */
  private static UpstreamResponder firstThen(UpstreamResponder first, UpstreamResponder then) {
    AtomicInteger calls = new AtomicInteger();
    return (request, body) -> (calls.getAndIncrement() == 0 ? first : then).respond(request, body);
  }

  private static UpstreamResponder resetBeforeHeaders() {
    return (request, body) -> request.connection().close();
  }

  @Test
  void a503IsTriedAgainAndTheClientSeesOnlyTheAnswer() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", firstThen(
        RecordingUpstream.json(503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}"),
        RecordingUpstream.json(200, ANSWER)));
    HttpResponse<String> response = chat(CHAT, Map.of());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("second time lucky");
    assertThat(response.headers().firstValue("x-portcullis-attempts")).hasValue("2");
    assertThat(upstream.received()).hasSize(2);
    // Both attempts sent the same request, key and all.
    assertThat(upstream.received().get(1).bodyText()).isEqualTo(upstream.received().get(0).bodyText());
    assertThat(upstream.received().get(1).header("Authorization")).isEqualTo("Bearer sk-retries");
  }

  @Test
  void aConnectionResetBeforeTheHeadersAndAnOverloaded500AreTriedAgain() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", firstThen(resetBeforeHeaders(),
        firstThen(RecordingUpstream.json(500, "{\"error\":{\"message\":\"The server is Overloaded\"}}"),
            RecordingUpstream.json(200, ANSWER))));
    HttpResponse<String> response = chat(CHAT, Map.of());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-portcullis-attempts")).hasValue("3");
  }

  @Test
  void aSilentUpstreamIsNotTriedAgainSinceItMayBeAtWorkOnTheCall() throws Exception {
    // Silence past the first-byte limit proves nothing: the model may be generating, or its
    // answer waiting behind a busy event loop. Repeating the call could do it twice.
    upstream.on("POST", "/openai/v1/chat/completions", firstThen(RecordingUpstream.silent(),
        RecordingUpstream.json(200, ANSWER)));
    HttpResponse<String> response = chat(CHAT, Map.of());
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void aPlain4xxAnAmbiguous500AndA401AreNeverRepeated() throws Exception {
    for (int status : List.of(400, 401, 404, 409, 422, 500)) {
      upstream.reset();
      upstream.on("POST", "/openai/v1/chat/completions",
          RecordingUpstream.json(status, "{\"error\":{\"message\":\"no\",\"type\":\"invalid_request_error\"}}"));
      HttpResponse<String> response = chat(CHAT, Map.of());
      assertThat(response.statusCode()).isEqualTo(status);
      assertThat(upstream.received()).as("requests upstream for a %d", status).hasSize(1);
      assertThat(response.headers().firstValue("x-portcullis-attempts")).isEmpty();
    }
  }

  @Test
  void theCallerLowersRetriesAndAJunkHeaderIsRefusedBeforeAnythingGoesUpstream() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(429,
        "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}"));
    HttpResponse<String> none = chat(CHAT, Map.of("x-portcullis-max-retries", "0"));
    assertThat(none.statusCode()).isEqualTo(429);
    assertThat(upstream.received()).hasSize(1);
    // Our header is ours: it never reaches the provider.
    assertThat(upstream.last().header("x-portcullis-max-retries")).isNull();

    upstream.reset();
    HttpResponse<String> one = chat(CHAT, Map.of("x-portcullis-max-retries", "1"));
    assertThat(one.statusCode()).isEqualTo(429);
    assertThat(upstream.received()).hasSize(2);

    upstream.reset();
    for (String junk : List.of("-1", "1e3", "three", "101", "9999999999999", " ", "0x1")) {
      HttpResponse<String> refused = chat(CHAT, Map.of("x-portcullis-max-retries", junk));
      assertThat(refused.statusCode()).as(junk).isEqualTo(400);
      assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
          .contains("x-portcullis-max-retries");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aRetryAfterLongerThanTheLongestWaitIsPassedOnAtOnce() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(429,
        "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}", Map.of("Retry-After", "30")));
    long started = System.nanoTime();
    HttpResponse<String> response = chat(CHAT, Map.of());
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("30");
    assertThat(upstream.received()).hasSize(1);
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
  }

  @Test
  void aStreamThatFailsBeforeItsFirstEventIsTriedAgainAndRelayedWhole() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("all ", "of ", "it"), 5, 3);
    upstream.on("POST", "/openai/v1/chat/completions", firstThen(
        // Headers, then the connection drops before any event.
        (request, body) -> {
          HttpServerResponse response = request.response().setChunked(true).putHeader("content-type",
              "text/event-stream");
          response.writeHead();
          upstreamVertx.setTimer(50, t -> request.connection().close());
        },
        (request, body) -> {
          HttpServerResponse response = request.response().setChunked(true).putHeader("content-type",
              "text/event-stream");
          chunks.forEach(chunk -> response.write("data: " + chunk + "\n\n"));
          response.end("data: [DONE]\n\n");
        }));
    HttpResponse<String> response = chat(STREAMED_CHAT, Map.of());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"content\":\"all \"").contains("\"content\":\"it\"").endsWith("data: [DONE]\n\n");
    assertThat(response.body()).doesNotContain("\"error\"");
    assertThat(upstream.received()).hasSize(2);
  }

  @Test
  void theOpenAiSdkGetsTheWholeStreamOfTheSecondAttempt() {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("Hello", " again"), 5, 2);
    upstream.on("POST", "/openai/v1/chat/completions", firstThen(
        RecordingUpstream.json(502, "{\"error\":{\"message\":\"bad gateway\"}}"),
        (request, body) -> {
          HttpServerResponse response = request.response().setChunked(true).putHeader("content-type",
              "text/event-stream");
          chunks.forEach(chunk -> response.write("data: " + chunk + "\n\n"));
          response.end("data: [DONE]\n\n");
        }));
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai")).apiKey("sk-retries")
        .maxRetries(0).build();
    StringBuilder text = new StringBuilder();
    try (var stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("hi").build())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).isEqualTo("Hello again");
    assertThat(upstream.received()).hasSize(2);
  }

  @Test
  void aStreamCutShortWithoutItsLastEventEndsWithAnErrorEventNotASilentEnd() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("half"), 5, 1);
    upstream.on("POST", "/openai/v1/chat/completions", (request, body) -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      response.end("data: " + chunks.get(0) + "\n\n");
    });
    HttpResponse<String> response = chat(STREAMED_CHAT, Map.of());
    assertThat(response.statusCode()).isEqualTo(200);
    String last = response.body().trim().substring(response.body().trim().lastIndexOf("data: ") + 6);
    assertThat(new JsonObject(last).getJsonObject("error").getString("message"))
        .contains("ended its stream before its last event");
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void aRateLimitedKeyFailsOverToTheOtherKeyAtOnceAndRestsForItsRetryAfter() throws Exception {
    AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    String limited = admin.create("provider-keys", new JsonObject().put("provider", "openai").put("name", "limited")
        .put("apiKey", "sk-limited").put("baseUrl", upstream.baseUrl("/key-a/v1"))).getString("id");
    String spare = admin.create("provider-keys", new JsonObject().put("provider", "openai").put("name", "spare")
        .put("apiKey", "sk-spare").put("baseUrl", upstream.baseUrl("/key-b/v1"))).getString("id");
    String virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "two-keys")
        .put("providerKeys", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("id", limited).put("weight", 1000))
            .add(new JsonObject().put("id", spare).put("weight", 1)))).getString("key");
    upstream.on("POST", "/key-a/v1/chat/completions", RecordingUpstream.json(429,
        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}", Map.of("Retry-After", "30")));
    upstream.on("POST", "/key-b/v1/chat/completions", RecordingUpstream.json(200, ANSWER));

    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = chat(CHAT, Map.of("Authorization", "Bearer " + virtualKey));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("second time lucky");
    }
    // The heavy key was asked once; its 429 sent that call to the spare key at once (no wait for
    // the 30 s), and it rests for them: every later call goes to the spare key first.
    List<String> keysUsed = upstream.received().stream().map(r -> r.header("Authorization")).toList();
    assertThat(keysUsed).filteredOn("Bearer sk-limited"::equals).hasSize(1);
    assertThat(keysUsed).filteredOn("Bearer sk-spare"::equals).hasSize(10);
    assertThat(keysUsed).noneMatch(key -> key.contains(virtualKey));
    assertThat(MetricsScrape.await(portcullis, "portcullis_upstream_failovers_total", Map.of("provider", "openai")))
        .isGreaterThanOrEqualTo(1.0);
  }

  /** One first event of each stream format, for the "never after the first byte" rule. */
  static List<Object[]> streamFormats() {
    return List.of(
        new Object[] {"openai", "/chat/completions", STREAMED_CHAT, "/openai/v1/chat/completions",
            "data: " + OpenAiWire.chatTextStream("gpt-4o", List.of("first"), 1, 1).get(0) + "\n\n"},
        new Object[] {"anthropic", "/v1/messages",
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "/anthropic/v1/messages",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":1,"
                + "\"output_tokens\":0}}}\n\n"},
        new Object[] {"gemini", "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
            "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}",
            "/gemini/v1beta/models/gemini-2.0-flash:streamGenerateContent",
            "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"first\"}]}}]}\r\n\r\n"},
        new Object[] {"cohere", "/v2/chat",
            "{\"model\":\"command-r\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "/cohere/v2/chat",
            "event: message-start\ndata: {\"type\":\"message-start\",\"id\":\"c\"}\n\n"},
        new Object[] {"bedrock", BEDROCK_MODEL + "/converse-stream",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}",
            "/bedrock" + BEDROCK_MODEL + "/converse-stream",
            BedrockWire.event("messageStart", new JsonObject().put("role", "assistant"))});
  }

  private static final String BEDROCK_MODEL = "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0";
  /** Bedrock API keys have a shape of their own. */
  private static final String BEDROCK_KEY = "ABSKQmVkcm9ja0FQSUtleS10ZXN0LWtleQ==";

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamFormats")
  void aStreamIsNeverRepeatedOnceItsFirstEventWasRelayed(String provider, String path, String body,
      String upstreamPath, Object firstEvent) throws Exception {
    Buffer first = firstEvent instanceof Buffer bytes ? bytes : Buffer.buffer((String) firstEvent);
    boolean bedrock = provider.equals("bedrock");
    upstream.on("POST", upstreamPath, (request, ignored) -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("content-type",
          bedrock ? BedrockWire.EVENT_STREAM : "text/event-stream");
      response.write(first);
      // Then the connection breaks: the answer was under way, so the call must not be made again.
      upstreamVertx.setTimer(100, t -> request.connection().close());
    });
    HttpResponse<byte[]> response = HTTP.send(request(provider, path, body, bedrock
        ? Map.of("Authorization", "Bearer " + BEDROCK_KEY) : Map.of("x-goog-api-key", "sk-retries")),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    Buffer got = Buffer.buffer(response.body());
    // The first event as it came, then the API's own error event for the break.
    assertThat(got.getBuffer(0, first.length())).isEqualTo(first);
    assertThat(got.length()).isGreaterThan(first.length());
    Thread.sleep(300);
    assertThat(upstream.received()).as("requests upstream").hasSize(1);
  }
}
