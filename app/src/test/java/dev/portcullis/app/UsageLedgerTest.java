package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.AnthropicWire;
import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.CohereWire;
import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.token.credentials.StaticTokenProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * The usage ledger end to end: every API family, called with its official SDK through a running
 * gateway against a test upstream, leaves exactly one record per call with the tokens the upstream
 * reported, the caller (never its key) and the cost the price catalog gives; a stream the client
 * abandons is recorded as cancelled with the tokens seen so far; a failed call is recorded too.
 * Records are read back through the admin API's export, as an operator would.
 */
@Timeout(120)
class UsageLedgerTest {

  private static final String OPENAI_KEY = "sk-usage-test-openai-0123456789";
  private static final String ANTHROPIC_KEY = "sk-ant-usage-test-0123456789";
  private static final String GEMINI_KEY = "AIzaSy-usage-test-0123456789abcdef";
  private static final String BEDROCK_KEY = "ABSKQmVkcm9ja0FQSUtleS11c2FnZS10ZXN0";
  private static final String COHERE_KEY = "co-usage-test-0123456789";
  private static final String BEDROCK_MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String BEDROCK_PATH = "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static AdminClient admin;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai/v1"),
        "ARCHESTRA_ANTHROPIC_BASE_URL", upstream.baseUrl("/anthropic/"),
        "ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("/gemini"),
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl(""),
        "ARCHESTRA_BEDROCK_ALLOWED_PROVIDERS", "anthropic",
        "ARCHESTRA_BEDROCK_ALLOWED_INFERENCE_REGIONS", "us",
        "ARCHESTRA_COHERE_BASE_URL", upstream.baseUrl("/cohere")));
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  /** Every record the ledger holds, through {@code GET /api/admin/usage/export?format=jsonl}. */
  private static List<JsonObject> records() {
    HttpResponse<String> export = admin.send("GET", "/api/admin/usage/export?format=jsonl", null);
    assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
    List<JsonObject> records = new ArrayList<>();
    export.body().lines().filter(line -> !line.isBlank()).forEach(line -> records.add(new JsonObject(line)));
    return records;
  }

  /** Waits for the one record that {@code matches} (the ledger writes a few tens of ms after the call). */
  private static JsonObject awaitRecord(Predicate<JsonObject> matches) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      List<JsonObject> found = records().stream().filter(matches).toList();
      if (found.size() == 1) {
        return found.get(0);
      }
      assertThat(found).as("at most one record per call").hasSizeLessThanOrEqualTo(1);
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no record within 20 s; the ledger holds " + records());
      }
      Thread.sleep(50);
    }
  }

  private static Predicate<JsonObject> of(String provider, String operation, boolean stream) {
    return r -> provider.equals(r.getString("provider")) && operation.equals(r.getString("operation"))
        && r.getBoolean("stream") == stream;
  }

  /** What the catalog says the call costs, through the admin API's price lookup. */
  private static BigDecimal catalogCost(String provider, String model, long input, long output, long cached) {
    HttpResponse<String> answer = admin.send("GET", "/api/admin/prices?provider=" + provider + "&model=" + model, null);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonObject price = new JsonObject(answer.body()).getJsonObject("price");
    BigDecimal perMillion = BigDecimal.valueOf(1_000_000);
    BigDecimal cost = decimal(price, "inputPerMillion").multiply(BigDecimal.valueOf(input - cached))
        .add(decimal(price, "outputPerMillion").multiply(BigDecimal.valueOf(output)));
    if (cached > 0) {
      cost = cost.add(decimal(price, "cachedInputPerMillion").multiply(BigDecimal.valueOf(cached)));
    }
    return cost.divide(perMillion);
  }

  /** A price per million tokens; a tiered one at its base tier (these calls are far below any tier's start). */
  private static BigDecimal decimal(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value instanceof JsonObject tiered) {
      value = tiered.getValue("base");
    }
    return value == null ? BigDecimal.ZERO : new BigDecimal(value.toString());
  }

  private static void assertCost(JsonObject record, BigDecimal expected) {
    assertThat(record.getValue("costUsd")).as("cost of %s", record).isNotNull();
    assertThat(new BigDecimal(record.getValue("costUsd").toString())).as("cost of %s", record)
        .isEqualByComparingTo(expected);
  }

  @Test
  void openAiChatWholeAndStreamedEachLeaveOneRecordWithTokensCallerAndCost() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o-mini", "hello", 1200, 40)));
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai"))
        .apiKey(OPENAI_KEY).maxRetries(0).build();
    client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
        .addUserMessage("hi").build());
    JsonObject whole = awaitRecord(of("openai", "chat.completions", false));
    assertThat(whole.getLong("inputTokens")).isEqualTo(1200);
    assertThat(whole.getLong("outputTokens")).isEqualTo(40);
    assertThat(whole.getString("requestedModel")).isEqualTo("gpt-4o-mini");
    assertThat(whole.getString("answeredModel")).isEqualTo("gpt-4o-mini");
    assertThat(whole.getString("outcome")).isEqualTo("completed");
    assertThat(whole.getInteger("status")).isEqualTo(200);
    assertThat(whole.getString("callerKind")).isEqualTo("passthrough");
    assertThat(whole.getString("callerId")).startsWith("sha256:").doesNotContain(OPENAI_KEY);
    assertCost(whole, catalogCost("openai", "gpt-4o-mini", 1200, 40, 0));

    upstream.on("POST", "/openai/v1/chat/completions", OpenAiWire.chatStream(
        OpenAiWire.chatTextStream("gpt-4o-mini", List.of("a", "b"), 300, 20)));
    try (var stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini").addUserMessage("hi").build())) {
      assertThat(stream.stream().map(ChatCompletionChunk::id).count()).isPositive();
    }
    JsonObject streamed = awaitRecord(of("openai", "chat.completions", true));
    assertThat(streamed.getLong("inputTokens")).isEqualTo(300);
    assertThat(streamed.getLong("outputTokens")).isEqualTo(20);
    assertThat(streamed.getValue("ttfbMs")).isNotNull();
    assertCost(streamed, catalogCost("openai", "gpt-4o-mini", 300, 20, 0));
    assertThat(MetricsScrape.await(portcullis, "portcullis_usage_cost_usd_total",
        Map.of("provider", "openai", "model", "gpt-4o-mini"))).isPositive();
    client.close();
    assertThat(records().toString()).doesNotContain(OPENAI_KEY);
  }

  @Test
  void anthropicMessagesWholeStreamedAndCancelled() throws Exception {
    AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(portcullis.providerUrl("anthropic"))
        .apiKey(ANTHROPIC_KEY).maxRetries(0).build();
    upstream.on("POST", "/anthropic/v1/messages", RecordingUpstream.json(200,
        AnthropicWire.messageWithCache("claude-sonnet-4-5", "hello", 100, 0, 2000, 50)));
    client.messages().create(MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64)
        .addUserMessage("hi").build());
    JsonObject whole = awaitRecord(of("anthropic", "messages", false));
    assertThat(whole.getLong("inputTokens")).as("cache reads count as input").isEqualTo(2100);
    assertThat(whole.getLong("cachedInputTokens")).isEqualTo(2000);
    assertThat(whole.getLong("outputTokens")).isEqualTo(50);
    assertCost(whole, catalogCost("anthropic", "claude-sonnet-4-5", 2100, 50, 2000));

    // A stream the client walks away from after the first token: recorded as cancelled, with the
    // input tokens message_start reported.
    List<String[]> events = AnthropicWire.textStream("claude-sonnet-4-5", List.of("one", "two"), 77, 9);
    SseScript script = AnthropicWire.stream(events.subList(0, 3)).gate("never");
    events.subList(3, events.size()).forEach(event -> script.event(event[0], event[1]));
    upstream.on("POST", "/anthropic/v1/messages", script);
    HttpResponse<java.io.InputStream> cancelled = http.send(HttpRequest.newBuilder(
            URI.create(portcullis.providerUrl("anthropic") + "/v1/messages"))
        .header("x-api-key", ANTHROPIC_KEY).header("anthropic-version", "2023-06-01")
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(cancelled.body().read(new byte[64])).isPositive();
    cancelled.body().close();
    JsonObject gone = awaitRecord(of("anthropic", "messages", true).and(r -> "cancelled".equals(r.getString("outcome"))));
    assertThat(gone.getInteger("status")).isEqualTo(499);
    assertThat(gone.getLong("inputTokens")).isEqualTo(77);

    upstream.on("POST", "/anthropic/v1/messages", AnthropicWire.stream(
        AnthropicWire.textStream("claude-sonnet-4-5", List.of("x", "y"), 40, 12)));
    try (var stream = client.messages().createStreaming(MessageCreateParams.builder().model("claude-sonnet-4-5")
        .maxTokens(64).addUserMessage("hi").build())) {
      assertThat(stream.stream().map(RawMessageStreamEvent::isMessageStop).toList()).contains(true);
    }
    JsonObject streamed = awaitRecord(of("anthropic", "messages", true).and(r -> "completed".equals(r.getString("outcome"))));
    assertThat(streamed.getLong("inputTokens")).isEqualTo(40);
    assertThat(streamed.getLong("outputTokens")).isEqualTo(12);
    assertCost(streamed, catalogCost("anthropic", "claude-sonnet-4-5", 40, 12, 0));
    client.close();
  }

  @Test
  void geminiGenerateWholeAndStreamed() throws Exception {
    Client client = Client.builder().apiKey(GEMINI_KEY).httpOptions(HttpOptions.builder()
        .baseUrl(portcullis.providerUrl("gemini")).retryOptions(HttpRetryOptions.builder().attempts(1).build())
        .build()).build();
    upstream.on("POST", "/gemini/v1/models/gemini-2.5-flash:generateContent", RecordingUpstream.json(200,
        GeminiWire.generateContent("gemini-2.5-flash", "hello", 1000, 200)));
    client.models.generateContent("gemini-2.5-flash", "hi", null);
    JsonObject whole = awaitRecord(of("gemini", "generateContent", false));
    assertThat(whole.getLong("inputTokens")).isEqualTo(1000);
    assertThat(whole.getLong("outputTokens")).isEqualTo(200);
    assertCost(whole, catalogCost("gemini", "gemini-2.5-flash", 1000, 200, 0));

    upstream.on("POST", "/gemini/v1/models/gemini-2.5-flash:streamGenerateContent", GeminiWire.sseStream(
        GeminiWire.textStreamChunks("gemini-2.5-flash", List.of("a", "b"), 30, 6), 0));
    try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream("gemini-2.5-flash", "hi",
        null)) {
      Iterator<GenerateContentResponse> it = stream.iterator();
      while (it.hasNext()) {
        it.next();
      }
    }
    JsonObject streamed = awaitRecord(of("gemini", "streamGenerateContent", true));
    assertThat(streamed.getLong("inputTokens")).isEqualTo(30);
    assertThat(streamed.getLong("outputTokens")).isEqualTo(6);
    client.close();
  }

  @Test
  void bedrockConverseWholeAndStreamed() throws Exception {
    URI endpoint = URI.create(portcullis.providerUrl("bedrock"));
    try (BedrockRuntimeClient client = BedrockRuntimeClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .tokenProvider(StaticTokenProvider.create(() -> BEDROCK_KEY))
        .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        BedrockRuntimeAsyncClient async = BedrockRuntimeAsyncClient.builder().endpointOverride(endpoint)
            .region(Region.US_EAST_1).tokenProvider(StaticTokenProvider.create(() -> BEDROCK_KEY))
            .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
            .httpClient(NettyNioAsyncHttpClient.builder().build())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
      Message user = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("hi")).build();
      upstream.on("POST", BEDROCK_PATH + "/converse", RecordingUpstream.json(200, BedrockWire.converse("hello", 500, 60)));
      client.converse(r -> r.modelId(BEDROCK_MODEL).messages(user));
      JsonObject whole = awaitRecord(of("bedrock", "converse", false));
      assertThat(whole.getLong("inputTokens")).isEqualTo(500);
      assertThat(whole.getLong("outputTokens")).isEqualTo(60);
      assertCost(whole, catalogCost("bedrock", BEDROCK_MODEL, 500, 60, 0));

      upstream.on("POST", BEDROCK_PATH + "/converse-stream", BedrockWire.eventStream(
          BedrockWire.concat(BedrockWire.textStreamFrames(List.of("a", "b"), 9, 5)), 0, 64));
      async.converseStream(ConverseStreamRequest.builder().modelId(BEDROCK_MODEL).messages(user).build(),
          ConverseStreamResponseHandler.builder().subscriber(ConverseStreamResponseHandler.Visitor.builder().build())
              .build()).join();
      JsonObject streamed = awaitRecord(of("bedrock", "converse-stream", true));
      assertThat(streamed.getLong("inputTokens")).isEqualTo(9);
      assertThat(streamed.getLong("outputTokens")).isEqualTo(5);
    }
  }

  @Test
  void cohereChatWholeAndStreamed() throws Exception {
    upstream.on("POST", "/cohere/v2/chat", RecordingUpstream.json(200, CohereWire.chat("hello", 25, 7)));
    HttpResponse<String> whole = http.send(cohere("{\"model\":\"command-r-plus\",\"messages\":[]}"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(whole.statusCode()).isEqualTo(200);
    JsonObject record = awaitRecord(of("cohere", "chat", false));
    // Cohere's tokens (which include its own prompt template), not its billed units.
    assertThat(record.getLong("inputTokens")).isEqualTo(225);
    assertThat(record.getLong("outputTokens")).isEqualTo(7);

    upstream.on("POST", "/cohere/v2/chat", CohereWire.stream(CohereWire.textStream(List.of("a"), 11, 3)));
    HttpResponse<String> streamed = http.send(cohere("{\"model\":\"command-r-plus\",\"stream\":true,\"messages\":[]}"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(streamed.statusCode()).isEqualTo(200);
    JsonObject streamRecord = awaitRecord(of("cohere", "chat", true));
    assertThat(streamRecord.getLong("outputTokens")).isEqualTo(3);
  }

  private static HttpRequest cohere(String body) {
    return HttpRequest.newBuilder(URI.create(portcullis.providerUrl("cohere") + "/v2/chat"))
        .header("Authorization", "Bearer " + COHERE_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  @Test
  void aModelRouterCallIsRecordedUnderItsTargetProviderAndTheVirtualKey() throws Exception {
    String proxyId = admin.create("llm-proxies", new JsonObject().put("name", "usage-router")).getString("id");
    String keyId = admin.create("provider-keys", new JsonObject().put("provider", "anthropic").put("name", "usage-team")
        .put("apiKey", ANTHROPIC_KEY)).getString("id");
    JsonObject virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "usage-router")
        .put("providerKeyIds", new JsonArray().add(keyId)));
    upstream.on("POST", "/anthropic/v1/messages", RecordingUpstream.json(200,
        AnthropicWire.message("claude-haiku-4-5", "routed", 90, 15)));
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(portcullis.url("/v1/model-router/" + proxyId))
        .apiKey(virtualKey.getString("key")).maxRetries(0).build();
    client.chat().completions().create(ChatCompletionCreateParams.builder().model("anthropic:claude-haiku-4-5")
        .addUserMessage("hi").build());
    JsonObject record = awaitRecord(r -> proxyId.equals(r.getString("llmProxyId")));
    assertThat(record.getString("provider")).isEqualTo("anthropic");
    assertThat(record.getString("operation")).isEqualTo("router.chat.completions");
    assertThat(record.getString("requestedModel")).isEqualTo("claude-haiku-4-5");
    assertThat(record.getString("callerKind")).isEqualTo("virtual_key");
    assertThat(record.getString("callerId")).isEqualTo(virtualKey.getString("id"));
    assertThat(record.getLong("inputTokens")).isEqualTo(90);
    assertThat(record.getLong("outputTokens")).isEqualTo(15);
    assertCost(record, catalogCost("anthropic", "claude-haiku-4-5", 90, 15, 0));
    client.close();
    assertThat(records().toString()).doesNotContain(virtualKey.getString("key"));
  }

  @Test
  void aFailedCallIsRecordedWithItsStatusAndNoCost() throws Exception {
    upstream.on("POST", "/openai/v1/embeddings", RecordingUpstream.json(500,
        OpenAiWire.error("server_error", "boom", null)));
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai"))
        .apiKey(OPENAI_KEY).maxRetries(0).build();
    assertThatThrownBy(() -> client.embeddings().create(com.openai.models.embeddings.EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("x").build())).isNotNull();
    JsonObject record = awaitRecord(of("openai", "embeddings", false));
    assertThat(record.getInteger("status")).isEqualTo(500);
    assertThat(record.getValue("inputTokens")).isNull();
    assertThat(record.getValue("costUsd")).isNull();
    client.close();
  }

  @Test
  void anUnknownModelIsRecordedWithoutACostNeverAGuess() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("made-up-model-x", "hello", 10, 10)));
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
            URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer " + OPENAI_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"made-up-model-x\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonObject record = awaitRecord(r -> "made-up-model-x".equals(r.getString("answeredModel")));
    assertThat(record.getLong("inputTokens")).isEqualTo(10);
    assertThat(record.getValue("costUsd")).isNull();
    assertThat(MetricsScrape.await(portcullis, "portcullis_usage_cost_unpriced_total", Map.of("provider", "openai")))
        .isGreaterThanOrEqualTo(1);

  }

  @Test
  void anAuditedProxyKeepsRedactedBodiesOfWholeAndStreamedCallsInAChainThatVerifies() throws Exception {
    String full = admin.create("llm-proxies", new JsonObject().put("name", "audited-full").put("auditBodies", "full"))
        .getString("id");
    String metadata = admin.create("llm-proxies", new JsonObject().put("name", "audited-metadata")
        .put("auditBodies", "metadata")).getString("id");
    String secretInPrompt = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0";
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o-mini", "the answer", 8, 2)));
    String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"my key is "
        + secretInPrompt + "\"}]}";
    String wholeId = callOpenAi(full, body);
    upstream.on("POST", "/openai/v1/chat/completions", OpenAiWire.chatStream(
        OpenAiWire.chatTextStream("gpt-4o-mini", List.of("stre", "amed"), 3, 2)));
    String streamedId = callOpenAi(full, body.replace("\"messages\"", "\"stream\":true,\"messages\""));
    String metadataId = callOpenAi(metadata, body);

    JsonObject whole = auditRow(wholeId);
    assertThat(whole.getString("level")).isEqualTo("full");
    assertThat(whole.getString("requestBody")).contains("my key is").doesNotContain(secretInPrompt);
    assertThat(whole.getString("responseBody")).contains("the answer");
    assertThat(whole.getBoolean("hashValid")).isTrue();
    JsonObject streamed = auditRow(streamedId);
    assertThat(streamed.getString("responseBody")).as("the stream's bytes, in order")
        .contains("stre").contains("amed").contains("[DONE]");
    JsonObject onlyMetadata = auditRow(metadataId);
    assertThat(onlyMetadata.getString("level")).isEqualTo("metadata");
    assertThat(onlyMetadata.getValue("requestBody")).isNull();
    assertThat(onlyMetadata.getValue("responseBody")).isNull();
    // The default proxy audits nothing: its calls have a usage record and no audit row.
    String unaudited = callOpenAi(null, body);
    awaitRecord(r -> unaudited.equals(r.getString("id")));
    assertThat(admin.send("GET", "/api/admin/audit/records?requestId=" + unaudited, null).body())
        .isEqualTo("{\"data\":[]}");

    HttpResponse<String> verified = admin.send("GET", "/api/admin/audit/verify", null);
    assertThat(verified.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(verified.body()).getBoolean("intact")).as(verified.body()).isTrue();
    HttpResponse<String> export = admin.send("GET", "/api/admin/audit/export", null);
    assertThat(export.body()).doesNotContain(secretInPrompt);
    assertThat(dev.portcullis.usage.audit.AuditVerifier.verify(new java.io.ByteArrayInputStream(
        export.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))).intact()).isTrue();
    // Nothing secret on the gateway's disk either: the journal holds redacted bodies.
    try (Stream<Path> files = Files.walk(Path.of(portcullis.portcullis().settings().string("PORTCULLIS_DATA_DIR")))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(file.toString()).doesNotContain(secretInPrompt);
      }
    }
  }

  @Test
  void theLedgersAdminCallsTakeTheAdminTokenOrNothing() {
    for (String token : new String[] {null, "wrong-token", PortcullisUnderTest.ADMIN_TOKEN + "x", ""}) {
      AdminClient intruder = new AdminClient(portcullis.adminUrl(), token);
      for (String path : List.of("/api/admin/usage", "/api/admin/usage/export?format=csv", "/api/admin/audit/verify",
          "/api/admin/audit/export", "/api/admin/audit/records?requestId=x", "/api/admin/prices?provider=openai&model=gpt-4o",
          "/api/admin/price-overrides")) {
        HttpResponse<String> answer = intruder.send("GET", path, null);
        assertThat(answer.statusCode()).as("%s with %s", path, token).isEqualTo(401);
        assertThat(answer.body()).doesNotContain("inputTokens").doesNotContain("requestBody");
      }
      HttpResponse<String> put = intruder.send("PUT", "/api/admin/prices/openai?model=gpt-4o",
          new JsonObject().put("inputPerMillion", 0).put("outputPerMillion", 0));
      assertThat(put.statusCode()).isEqualTo(401);
    }
    HttpResponse<String> price = admin.send("GET", "/api/admin/prices?provider=openai&model=gpt-4o", null);
    assertThat(new JsonObject(price.body()).getString("source")).as("no override was set").isEqualTo("catalog");
  }

  /** A passthrough chat call on {@code proxyId} (the default proxy when null); answers its request id. */
  private static String callOpenAi(String proxyId, String body) throws Exception {
    String base = proxyId == null ? portcullis.providerUrl("openai") : portcullis.providerUrl("openai") + "/" + proxyId;
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
        .header("Authorization", "Bearer " + OPENAI_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.headers().firstValue("x-portcullis-request-id").orElseThrow();
  }

  /** The one audit row of a call, once the ledger has written it. */
  private static JsonObject auditRow(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      HttpResponse<String> rows = admin.send("GET", "/api/admin/audit/records?requestId=" + requestId, null);
      assertThat(rows.statusCode()).as(rows.body()).isEqualTo(200);
      JsonArray data = new JsonObject(rows.body()).getJsonArray("data");
      if (data.size() == 1) {
        return data.getJsonObject(0);
      }
      assertThat(data.size()).as("one audit row per call").isZero();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no audit row for " + requestId);
      }
      Thread.sleep(50);
    }
  }
}
