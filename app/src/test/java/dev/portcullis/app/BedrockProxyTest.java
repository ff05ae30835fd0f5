package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.InferenceProfilesFake;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.token.credentials.StaticTokenProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Bedrock through Portcullis with the AWS SDK v2 {@code BedrockRuntimeClient} and
 * {@code BedrockRuntimeAsyncClient}, authenticating with a Bedrock API key through the SDK's own
 * bearer-token support ({@code tokenProvider} with {@code httpBearerAuth} preferred, what
 * {@code AWS_BEARER_TOKEN_BEDROCK} turns on), against a test upstream that speaks Bedrock's wire
 * format: Converse, ConverseStream event-stream frames in odd TCP splits, tool use, exceptions
 * midway, InvokeModel passthrough, the filtered model list, and the refusal of a client's own SigV4.
 */
@Timeout(20)
class BedrockProxyTest {

  private static final String KEY = "ABSKQmVkcm9ja0FQSUtleS10ZXN0LWtleQ==";
  private static final String MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String MODEL_PATH = "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static BedrockRuntimeClient client;
  private static BedrockRuntimeAsyncClient asyncClient;
  // HTTP/1.1: the JDK client's h2c upgrade of a POST is flaky against the gateway (see the report).
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl(""),
        "ARCHESTRA_BEDROCK_ALLOWED_PROVIDERS", "anthropic,amazon",
        "ARCHESTRA_BEDROCK_ALLOWED_INFERENCE_REGIONS", "us,global"));
    URI endpoint = URI.create(portcullis.providerUrl("bedrock"));
    client = BedrockRuntimeClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .tokenProvider(StaticTokenProvider.create(() -> KEY))
        .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
    asyncClient = BedrockRuntimeAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .tokenProvider(StaticTokenProvider.create(() -> KEY))
        .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
        .httpClient(NettyNioAsyncHttpClient.builder().build())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    asyncClient.close();
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static Message user(String text) {
    return Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(text)).build();
  }

  @Test
  void converseGoesToTheEncodedModelPathWithTheClientsBearerKey() {
    upstream.on("POST", MODEL_PATH + "/converse", RecordingUpstream.json(200, BedrockWire.converse("Hello!", 11, 4),
        Map.of("x-amzn-RequestId", "req-converse-1")));

    ConverseResponse response = client.converse(r -> r.modelId(MODEL).messages(user("Say hello"))
        .inferenceConfig(c -> c.maxTokens(100).temperature(0.3f)));

    assertThat(response.output().message().content().get(0).text()).isEqualTo("Hello!");
    assertThat(response.usage().inputTokens()).isEqualTo(11);
    assertThat(response.usage().outputTokens()).isEqualTo(4);
    assertThat(response.responseMetadata().requestId()).isEqualTo("req-converse-1");
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo(MODEL_PATH + "/converse");
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(received.json().getJsonObject("inferenceConfig").getInteger("maxTokens")).isEqualTo(100);
    assertThat(received.json().containsKey("modelId")).isFalse();
  }

  @Test
  void toolUseRoundTrips() {
    upstream.on("POST", MODEL_PATH + "/converse", RecordingUpstream.json(200, BedrockWire.converseToolUse(
        "tooluse_abc123", "get_weather", new JsonObject().put("city", "Paris"), 40, 12)));
    Tool tool = Tool.fromToolSpec(ToolSpecification.builder().name("get_weather").description("Weather for a city")
        .inputSchema(ToolInputSchema.fromJson(Document.mapBuilder().putString("type", "object")
            .putDocument("properties", Document.mapBuilder().putDocument("city",
                Document.mapBuilder().putString("type", "string").build()).build()).build()))
        .build());

    ConverseResponse response = client.converse(r -> r.modelId(MODEL).messages(user("Weather in Paris?"))
        .toolConfig(t -> t.tools(tool)));

    ToolUseBlock toolUse = response.output().message().content().get(0).toolUse();
    assertThat(toolUse.toolUseId()).isEqualTo("tooluse_abc123");
    assertThat(toolUse.name()).isEqualTo("get_weather");
    assertThat(toolUse.input().asMap().get("city").asString()).isEqualTo("Paris");
    assertThat(response.stopReasonAsString()).isEqualTo("tool_use");
    assertThat(upstream.last().json().getJsonObject("toolConfig").getJsonArray("tools").getJsonObject(0)
        .getJsonObject("toolSpec").getString("name")).isEqualTo("get_weather");
  }

  /** What an async ConverseStream call delivered to the SDK's handler. */
  private record Streamed(List<String> texts, List<String> toolInput, ConverseStreamMetadataEvent metadata,
      String stopReason, Throwable error) {}

  private static Streamed converseStream(ConverseStreamRequest request, Runnable onFirstDelta) {
    List<String> texts = new CopyOnWriteArrayList<>();
    List<String> toolInput = new CopyOnWriteArrayList<>();
    ConverseStreamMetadataEvent[] metadata = new ConverseStreamMetadataEvent[1];
    String[] stopReason = new String[1];
    ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
            .onContentBlockDelta(delta -> {
              if (delta.delta().text() != null) {
                texts.add(delta.delta().text());
              }
              if (delta.delta().toolUse() != null) {
                toolInput.add(delta.delta().toolUse().input());
              }
              if (texts.size() + toolInput.size() == 1 && onFirstDelta != null) {
                onFirstDelta.run();
              }
            })
            .onMessageStop(stop -> stopReason[0] = stop.stopReasonAsString())
            .onMetadata(event -> metadata[0] = event)
            .build())
        .build();
    Throwable error = null;
    try {
      asyncClient.converseStream(request, handler).join();
    } catch (CompletionException e) {
      error = e.getCause();
    }
    return new Streamed(texts, toolInput, metadata[0], stopReason[0], error);
  }

  @Test
  void converseStreamFramesSplitAcrossReadsAreParsedByTheSdkAndRelayedByteForByte() throws Exception {
    Buffer frames = BedrockWire.concat(BedrockWire.textStreamFrames(List.of("Hel", "lo, ", "stream", "!"), 9, 5));
    // Pieces of 7, 19 and 3 bytes: every frame spans several reads.
    upstream.on("POST", MODEL_PATH + "/converse-stream", BedrockWire.eventStream(frames, 2, 7, 19, 3));

    Streamed streamed = converseStream(ConverseStreamRequest.builder().modelId(MODEL).messages(user("Hi")).build(), null);

    assertThat(streamed.error()).isNull();
    assertThat(String.join("", streamed.texts())).isEqualTo("Hello, stream!");
    assertThat(streamed.stopReason()).isEqualTo("end_turn");
    assertThat(streamed.metadata().usage().inputTokens()).isEqualTo(9);
    assertThat(streamed.metadata().usage().outputTokens()).isEqualTo(5);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + KEY);

    HttpResponse<byte[]> raw = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("bedrock") + MODEL_PATH + "/converse-stream"))
        .header("Authorization", "Bearer " + KEY).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}"))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(raw.headers().firstValue("content-type")).hasValue(BedrockWire.EVENT_STREAM);
    assertThat(raw.body()).isEqualTo(frames.getBytes());
  }

  @Test
  void severalFramesInOneReadAndTheFirstReachesTheClientBeforeTheRestIsSent() {
    List<Buffer> frames = BedrockWire.textStreamFrames(List.of("First", " second", " third"), 3, 3);
    SseScript script = SseScript.create().contentType(BedrockWire.EVENT_STREAM)
        // messageStart and the first delta in one write...
        .bytes(BedrockWire.concat(frames.subList(0, 2)))
        .gate("rest")
        // ...then everything else in another.
        .bytes(BedrockWire.concat(frames.subList(2, frames.size())));
    upstream.on("POST", MODEL_PATH + "/converse-stream", script);

    Streamed streamed = converseStream(ConverseStreamRequest.builder().modelId(MODEL).messages(user("Hi")).build(),
        () -> script.open("rest"));

    assertThat(streamed.error()).isNull();
    assertThat(streamed.texts()).containsExactly("First", " second", " third");
    assertThat(streamed.metadata().usage().totalTokens()).isEqualTo(6);
  }

  @Test
  void usageIsReadFromConverseAnswersAndFromTheStreamsMetadataEvent() throws Exception {
    String model = "us.amazon.nova-lite-v1:0";
    String path = "/model/us.amazon.nova-lite-v1%3A0";
    upstream.on("POST", path + "/converse", RecordingUpstream.json(200, BedrockWire.converse("ok", 100, 20)));
    upstream.on("POST", path + "/converse-stream", BedrockWire.eventStream(
        BedrockWire.concat(BedrockWire.textStreamFrames(List.of("x", "y"), 7, 3)), 1, 11));

    client.converse(r -> r.modelId(model).messages(user("Hi")));
    converseStream(ConverseStreamRequest.builder().modelId(model).messages(user("Hi")).build(), null);

    Map<String, String> labels = Map.of("provider", "bedrock", "model", model);
    assertThat(MetricsScrape.await(portcullis, "portcullis_tokens_total", with(labels, "direction", "input")))
        .isEqualTo(107.0);
    assertThat(MetricsScrape.await(portcullis, "portcullis_tokens_total", with(labels, "direction", "output")))
        .isEqualTo(23.0);
  }

  private static Map<String, String> with(Map<String, String> labels, String name, String value) {
    Map<String, String> all = new java.util.HashMap<>(labels);
    all.put(name, value);
    return all;
  }

  @Test
  void streamedToolUseArrivesInFragments() {
    upstream.on("POST", MODEL_PATH + "/converse-stream", BedrockWire.eventStream(BedrockWire.concat(
        BedrockWire.toolUseStreamFrames("tooluse_1", "get_weather", List.of("{\"ci", "ty\": \"Par", "is\"}"), 20, 9)),
        1, 64));

    Streamed streamed = converseStream(ConverseStreamRequest.builder().modelId(MODEL).messages(user("Weather?"))
        .build(), null);

    assertThat(streamed.error()).isNull();
    assertThat(String.join("", streamed.toolInput())).isEqualTo("{\"city\": \"Paris\"}");
    assertThat(streamed.stopReason()).isEqualTo("tool_use");
  }

  @Test
  void exceptionFrameMidStreamReachesTheClientIntact() {
    List<Buffer> frames = new ArrayList<>(BedrockWire.textStreamFrames(List.of("Partial"), 1, 1).subList(0, 2));
    frames.add(BedrockWire.exception("throttlingException", "Too many tokens, please wait before trying again."));
    upstream.on("POST", MODEL_PATH + "/converse-stream", BedrockWire.eventStream(BedrockWire.concat(frames), 1, 40));

    Streamed streamed = converseStream(ConverseStreamRequest.builder().modelId(MODEL).messages(user("Hi")).build(), null);

    assertThat(streamed.texts()).containsExactly("Partial");
    assertThat(streamed.error()).isInstanceOf(ThrottlingException.class)
        .hasMessageContaining("Too many tokens, please wait before trying again.");
  }

  @Test
  void upstreamThatDiesMidStreamEndsWithAnExceptionFrameFromPortcullis() {
    List<Buffer> frames = BedrockWire.textStreamFrames(List.of("Cut"), 1, 1).subList(0, 2);
    upstream.on("POST", MODEL_PATH + "/converse-stream", (request, body) -> {
      request.response().setChunked(true).putHeader("content-type", BedrockWire.EVENT_STREAM)
          .write(BedrockWire.concat(frames));
      upstreamVertx.setTimer(50, t -> request.connection().close());
    });

    Streamed streamed = converseStream(ConverseStreamRequest.builder().modelId(MODEL).messages(user("Hi")).build(), null);

    assertThat(streamed.texts()).containsExactly("Cut");
    assertThat(streamed.error()).isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("upstream");
  }

  @Test
  void modelIdInTheBodyPicksThePathAndLeavesTheBody() throws Exception {
    String arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0";
    String encodedArn = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2F"
        + "us.anthropic.claude-3-5-haiku-20241022-v1%3A0";
    upstream.on("POST", "/model/" + encodedArn + "/converse", RecordingUpstream.json(200, BedrockWire.converse("ok", 2, 1)));

    HttpResponse<String> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("bedrock") + "/converse"))
        .header("Authorization", "Bearer " + KEY).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"modelId\":\"" + arn + "\",\"messages\":[{\"role\":\"user\","
            + "\"content\":[{\"text\":\"Hi\"}]}],\"inferenceConfig\":{\"maxTokens\":5}}"))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo("/model/" + encodedArn + "/converse");
    assertThat(received.json().fieldNames()).containsExactly("messages", "inferenceConfig");

    // The SDK sends the same ARN in the path, percent-encoded once.
    client.converse(r -> r.modelId(arn).messages(user("Hi")));
    assertThat(upstream.last().path()).isEqualTo("/model/" + encodedArn + "/converse");
  }

  @Test
  void invokeModelIsPassedThroughByteForByte() {
    String path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke";
    String answer = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
        + "\"text\":\"Hi!\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":8,\"output_tokens\":2}}";
    upstream.on("POST", path, RecordingUpstream.json(200, answer));
    byte[] body = ("{ \"anthropic_version\": \"bedrock-2023-05-31\", \"max_tokens\": 10,\n"
        + "  \"messages\": [{\"role\": \"user\", \"content\": \"caf\u00e9\"}] }").getBytes(StandardCharsets.UTF_8);

    InvokeModelResponse response = client.invokeModel(r -> r.modelId("anthropic.claude-3-haiku-20240307-v1:0")
        .contentType("application/json").accept("application/json").body(SdkBytes.fromByteArray(body)));

    assertThat(response.body().asUtf8String()).isEqualTo(answer);
    assertThat(upstream.last().path()).isEqualTo(path);
    assertThat(upstream.last().body().getBytes()).isEqualTo(body);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + KEY);
  }

  @Test
  void invokeWithResponseStreamRelaysTheChunks() {
    String path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke-with-response-stream";
    List<String> events = List.of("{\"type\":\"message_start\"}", "{\"type\":\"content_block_delta\",\"delta\":"
        + "{\"type\":\"text_delta\",\"text\":\"Hi\"}}", "{\"type\":\"message_stop\"}");
    List<Buffer> frames = new ArrayList<>();
    for (String event : events) {
      frames.add(BedrockWire.event("chunk", new JsonObject().put("bytes",
          java.util.Base64.getEncoder().encodeToString(event.getBytes(StandardCharsets.UTF_8)))));
    }
    upstream.on("POST", path, BedrockWire.eventStream(BedrockWire.concat(frames), 1, 33));
    List<String> received = new CopyOnWriteArrayList<>();

    asyncClient.invokeModelWithResponseStream(r -> r.modelId("anthropic.claude-3-haiku-20240307-v1:0")
            .body(SdkBytes.fromUtf8String("{\"max_tokens\":5,\"messages\":[]}")),
        InvokeModelWithResponseStreamResponseHandler.builder()
            .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                .onChunk(chunk -> received.add(chunk.bytes().asUtf8String())).build())
            .build()).join();

    assertThat(received).containsExactlyElementsOf(events);
    assertThat(upstream.last().path()).isEqualTo(path);
  }

  @Test
  void nativeErrorsPassThroughWithStatusAndType() {
    upstream.on("POST", MODEL_PATH + "/converse", BedrockWire.error(400, "ValidationException",
        "A conversation must start with a user message. Try again with a conversation that starts with a user message."));

    assertThatThrownBy(() -> client.converse(r -> r.modelId(MODEL).messages(user("Hi"))))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorMessage()).startsWith("A conversation must start with a user message.");
        });
  }

  @Test
  void modelsComeFromEveryPageOfActiveInferenceProfilesFiltered() throws Exception {
    upstream.on("GET", "/inference-profiles", new InferenceProfilesFake(List.of(
        InferenceProfilesFake.profile("us.anthropic.claude-sonnet-4-20250514-v1:0", "ACTIVE"),
        InferenceProfilesFake.profile("eu.anthropic.claude-sonnet-4-20250514-v1:0", "ACTIVE"),
        InferenceProfilesFake.profile("us.meta.llama3-3-70b-instruct-v1:0", "ACTIVE"),
        InferenceProfilesFake.profile("global.amazon.nova-2-lite-v1:0", "ACTIVE"),
        InferenceProfilesFake.profile("us.anthropic.claude-3-haiku-20240307-v1:0", "INACTIVE"),
        InferenceProfilesFake.profile("apac.amazon.nova-pro-v1:0", "ACTIVE"),
        InferenceProfilesFake.profile("us.amazon.nova-premier-v1:0", "ACTIVE")), 2));

    HttpResponse<String> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("bedrock") + "/models")).header("Authorization", "Bearer " + KEY)
        .GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray data = new JsonObject(response.body()).getJsonArray("data");
    assertThat(data.stream().map(m -> ((JsonObject) m).getString("id")).toList()).containsExactly(
        "us.anthropic.claude-sonnet-4-20250514-v1:0", "global.amazon.nova-2-lite-v1:0", "us.amazon.nova-premier-v1:0");
    JsonObject first = data.getJsonObject(0);
    assertThat(first.getString("provider")).isEqualTo("anthropic");
    assertThat(first.getString("region")).isEqualTo("us");
    assertThat(first.getString("arn")).endsWith("inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0");
    List<RecordedRequest> pages = upstream.received();
    assertThat(pages).hasSize(4).allSatisfy(page -> {
      assertThat(page.path()).isEqualTo("/inference-profiles");
      assertThat(page.header("Authorization")).isEqualTo("Bearer " + KEY);
    });
    assertThat(pages.get(0).query()).isEqualTo("maxResults=1000");
    // Base64 tokens hold '+', '/' and '=': they must arrive encoded.
    assertThat(pages.get(1).query()).isEqualTo("maxResults=1000&nextToken="
        + InferenceProfilesFake.token(2).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"));
  }

  @Test
  void clientsOwnSigV4CannotBeForwardedAndGetsAClear401() {
    // The async (Netty) client: HttpURLConnection hides the body of a 401 that has no WWW-Authenticate.
    try (BedrockRuntimeAsyncClient sigV4Client = BedrockRuntimeAsyncClient.builder()
        .endpointOverride(URI.create(portcullis.providerUrl("bedrock")))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDCLIENT", "client-secret")))
        .httpClient(NettyNioAsyncHttpClient.builder().build())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build()) {
      assertThatThrownBy(() -> sigV4Client.converse(r -> r.modelId(MODEL).messages(user("Hi"))).join())
          .hasCauseInstanceOf(BedrockRuntimeException.class)
          .extracting(Throwable::getCause)
          .isInstanceOfSatisfying(BedrockRuntimeException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(401);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
            assertThat(e.awsErrorDetails().errorMessage()).contains("SigV4").contains("Bedrock API key")
                .contains("virtual key");
          });
    }
    assertThat(upstream.received()).isEmpty();
  }
}
