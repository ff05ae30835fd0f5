package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.RateLimitException;
import com.anthropic.models.messages.MessageCreateParams;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
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
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.token.credentials.StaticTokenProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/**
 * Limit rules end to end, as an operator sets them and an application meets them: rules made
 * through the admin API, calls made with each provider's official SDK through a running gateway
 * against recording upstreams. A refused call never reaches the upstream, is answered 429 in the
 * called API's own format with {@code Retry-After} and {@code x-ratelimit-*} headers naming the
 * rule, and is in the usage ledger.
 */
@Timeout(180)
class LimitsTest {

  private static final String BEDROCK_MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String BEDROCK_PATH = "/bedrock/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static AdminClient admin;
  private static final JsonArray providerKeys = new JsonArray();
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai/v1"),
        "ARCHESTRA_ANTHROPIC_BASE_URL", upstream.baseUrl("/anthropic"),
        "ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("/gemini"),
        "ARCHESTRA_COHERE_BASE_URL", upstream.baseUrl("/cohere"),
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl("/bedrock"),
        "ARCHESTRA_BEDROCK_ALLOWED_PROVIDERS", "anthropic",
        "ARCHESTRA_BEDROCK_ALLOWED_INFERENCE_REGIONS", "us"));
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    for (String provider : List.of("openai", "anthropic", "gemini", "cohere", "bedrock")) {
      providerKeys.add(admin.create("provider-keys", new JsonObject().put("provider", provider).put("name", provider)
          .put("apiKey", "stored-" + provider + "-key")).getString("id"));
    }
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  /** A new virtual key for every provider: its id and its key. */
  private static JsonObject virtualKey(String name) {
    return admin.create("virtual-keys", new JsonObject().put("name", name).put("providerKeyIds", providerKeys));
  }

  /** Makes a rule and gives the gateway's event loops the moment they need to hear of it (at most a second). */
  private static JsonObject rule(JsonObject body) {
    HttpResponse<String> created = admin.send("POST", "/api/admin/limits", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new JsonObject(created.body());
  }

  private static JsonObject keyRule(String name, String keyId, JsonObject limits) {
    return rule(limits.copy().put("name", name).put("appliesTo", new JsonObject().put("virtualKeyId", keyId)));
  }

  private static long received(String path) {
    return upstream.received().stream().filter(r -> r.path().equals(path)).count();
  }

  private static OpenAIClient openAi(String key) {
    return OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai")).apiKey(key).maxRetries(0).build();
  }

  private static HttpResponse<String> raw(String path, String header, String value, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(portcullis.url(path))).header(header, value)
        .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The refusal's headers: the rule, Retry-After and the x-ratelimit-* of the request limit. */
  private static void assertRequestLimitHeaders(HttpResponse<String> refused, JsonObject rule) {
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(refused.headers().firstValue("x-portcullis-limit-rule")).hasValue(rule.getString("id"));
    assertThat(refused.headers().firstValue("x-ratelimit-limit-requests")).hasValue("60");
    assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    assertThat(refused.headers().firstValue("x-ratelimit-reset-requests")).isPresent();
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 61L);
    assertThat(refused.body()).contains(rule.getString("id")).contains(rule.getString("name"));
  }

  @Test
  void openAiThe61stRequestInAMinuteIs429NamingTheRuleAndNeverReachesTheUpstream() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o-mini", "hi", 10, 2)));
    JsonObject key = virtualKey("openai-60");
    JsonObject rule = keyRule("openai-rpm", key.getString("id"), new JsonObject().put("requestsPerMinute", 60));
    OpenAIClient client = openAi(key.getString("key"));
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
        .addUserMessage("hi").build();
    long before = received("/openai/v1/chat/completions");
    for (int i = 0; i < 60; i++) {
      client.chat().completions().create(params);
    }
    assertThatThrownBy(() -> client.chat().completions().create(params))
        .isInstanceOf(com.openai.errors.RateLimitException.class)
        .hasMessageContaining(rule.getString("id")).hasMessageContaining("openai-rpm");
    HttpResponse<String> refused = raw("/v1/openai/chat/completions", "Authorization", "Bearer " + key.getString("key"),
        "{\"model\":\"gpt-4o-mini\",\"messages\":[]}");
    assertRequestLimitHeaders(refused, rule);
    JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("rate_limit_error");
    assertThat(received("/openai/v1/chat/completions") - before).isEqualTo(60);
    client.close();

    // The refusal is in the ledger, with the rule that fired; the status counts the minute's use.
    JsonObject record = awaitRecord(r -> key.getString("id").equals(r.getString("callerId"))
        && "limited".equals(r.getString("outcome")));
    assertThat(record.getInteger("status")).isEqualTo(429);
    assertThat(record.getString("limits")).isEqualTo("refused:" + rule.getString("id"));
    HttpResponse<String> status = admin.send("GET", "/api/admin/limits/" + rule.getString("id") + "/status", null);
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    JsonObject requests = new JsonObject(status.body()).getJsonArray("limits").getJsonObject(0);
    assertThat(requests.getString("metric")).isEqualTo("requests");
    assertThat(requests.getLong("used")).isEqualTo(60);
    assertThat(MetricsScrape.await(portcullis, "portcullis_limits_refusals_total",
        Map.of("rule", rule.getString("id"), "limit", "requests"))).isGreaterThanOrEqualTo(2);
  }

  @Test
  void anthropicGeminiBedrockAndCohereRefuseThe61stInTheirOwnFormats() throws Exception {
    upstream.on("POST", "/anthropic/v1/messages", RecordingUpstream.json(200,
        AnthropicWire.message("claude-sonnet-4-5", "hi", 10, 2)));
    upstream.on("POST", "/gemini/v1beta/models/gemini-2.5-flash:generateContent", RecordingUpstream.json(200,
        GeminiWire.generateContent("gemini-2.5-flash", "hi", 10, 2)));
    upstream.on("POST", "/gemini/v1/models/gemini-2.5-flash:generateContent", RecordingUpstream.json(200,
        GeminiWire.generateContent("gemini-2.5-flash", "hi", 10, 2)));
    upstream.on("POST", BEDROCK_PATH + "/converse", RecordingUpstream.json(200, BedrockWire.converse("hi", 10, 2)));
    upstream.on("POST", "/cohere/v2/chat", RecordingUpstream.json(200, CohereWire.chat("hi", 10, 2)));

    JsonObject anthropicKey = virtualKey("anthropic-60");
    JsonObject anthropicRule = keyRule("anthropic-rpm", anthropicKey.getString("id"),
        new JsonObject().put("requestsPerMinute", 60));
    AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(portcullis.providerUrl("anthropic"))
        .apiKey(anthropicKey.getString("key")).maxRetries(0).build();
    MessageCreateParams message = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(16)
        .addUserMessage("hi").build();
    for (int i = 0; i < 60; i++) {
      anthropic.messages().create(message);
    }
    assertThatThrownBy(() -> anthropic.messages().create(message)).isInstanceOf(RateLimitException.class)
        .hasMessageContaining(anthropicRule.getString("id"));
    HttpResponse<String> anthropicRefused = raw("/v1/anthropic/v1/messages", "x-api-key",
        anthropicKey.getString("key"), "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"messages\":[]}");
    assertRequestLimitHeaders(anthropicRefused, anthropicRule);
    assertThat(new JsonObject(anthropicRefused.body()).getJsonObject("error").getString("type"))
        .isEqualTo("rate_limit_error");
    anthropic.close();

    JsonObject geminiKey = virtualKey("gemini-60");
    JsonObject geminiRule = keyRule("gemini-rpm", geminiKey.getString("id"), new JsonObject().put("requestsPerMinute", 60));
    Client gemini = Client.builder().apiKey(geminiKey.getString("key")).httpOptions(HttpOptions.builder()
        .baseUrl(portcullis.providerUrl("gemini")).retryOptions(HttpRetryOptions.builder().attempts(1).build())
        .build()).build();
    for (int i = 0; i < 60; i++) {
      gemini.models.generateContent("gemini-2.5-flash", "hi", null);
    }
    assertThatThrownBy(() -> gemini.models.generateContent("gemini-2.5-flash", "hi", null))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo(429);
          assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
          assertThat(e.getMessage()).contains(geminiRule.getString("id"));
        });
    gemini.close();

    JsonObject bedrockKey = virtualKey("bedrock-60");
    JsonObject bedrockRule = keyRule("bedrock-rpm", bedrockKey.getString("id"),
        new JsonObject().put("requestsPerMinute", 60));
    try (BedrockRuntimeClient bedrock = BedrockRuntimeClient.builder()
        .endpointOverride(URI.create(portcullis.providerUrl("bedrock"))).region(Region.US_EAST_1)
        .tokenProvider(StaticTokenProvider.create(() -> bedrockKey.getString("key")))
        .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
      Message user = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("hi")).build();
      for (int i = 0; i < 60; i++) {
        bedrock.converse(r -> r.modelId(BEDROCK_MODEL).messages(user));
      }
      assertThatThrownBy(() -> bedrock.converse(r -> r.modelId(BEDROCK_MODEL).messages(user)))
          .isInstanceOfSatisfying(ThrottlingException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.getMessage()).contains(bedrockRule.getString("id"));
          });
    }

    JsonObject cohereKey = virtualKey("cohere-60");
    JsonObject cohereRule = keyRule("cohere-rpm", cohereKey.getString("id"), new JsonObject().put("requestsPerMinute", 60));
    String cohereBody = "{\"model\":\"command-r-plus\",\"messages\":[]}";
    for (int i = 0; i < 60; i++) {
      assertThat(raw("/v1/cohere/v2/chat", "Authorization", "Bearer " + cohereKey.getString("key"), cohereBody)
          .statusCode()).isEqualTo(200);
    }
    HttpResponse<String> cohereRefused = raw("/v1/cohere/v2/chat", "Authorization",
        "Bearer " + cohereKey.getString("key"), cohereBody);
    assertRequestLimitHeaders(cohereRefused, cohereRule);
    assertThat(new JsonObject(cohereRefused.body()).getString("message")).contains(cohereRule.getString("id"));
  }

  @Test
  void aTokenLimitIsReservedBeforeStreamedCallsAndSettledWithTheirRealUsage() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", OpenAiWire.chatStream(
        OpenAiWire.chatTextStream("gpt-4o-mini", List.of("a", "b"), 300, 200)));
    JsonObject key = virtualKey("tokens");
    JsonObject rule = keyRule("tpm", key.getString("id"), new JsonObject().put("tokensPerMinute", 1_200));
    OpenAIClient client = openAi(key.getString("key"));
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini").maxTokens(100)
        .addUserMessage("hi").build();
    // Each call reserves its body's quarter and its max_tokens (about 130), then settles at 500.
    for (int i = 0; i < 2; i++) {
      try (var stream = client.chat().completions().createStreaming(params)) {
        assertThat(stream.stream().map(ChatCompletionChunk::id).count()).isPositive();
      }
    }
    awaitStatus(rule, "tokens", used -> used == 1_000);
    // 1,000 used: the next call's ~130 would still fit; a third 500 crossed would not, but it is
    // only known after. The call after that is refused.
    try (var stream = client.chat().completions().createStreaming(params)) {
      stream.stream().count();
    }
    awaitStatus(rule, "tokens", used -> used == 1_500);
    assertThatThrownBy(() -> {
      try (var stream = client.chat().completions().createStreaming(params)) {
        stream.stream().count();
      }
    }).isInstanceOf(com.openai.errors.RateLimitException.class).hasMessageContaining("tokens per minute");
    client.close();
  }

  @Test
  void aSpendLimitLetsTheStreamThatCrossesItFinishAndRefusesTheNextCall() throws Exception {
    // gpt-4o-mini: a million input tokens cost $0.15 in the shipped catalog.
    upstream.on("POST", "/openai/v1/chat/completions", OpenAiWire.chatStream(
        OpenAiWire.chatTextStream("gpt-4o-mini", List.of("a", "b"), 1_000_000, 10)));
    JsonObject key = virtualKey("spender");
    JsonObject rule = keyRule("daily-budget", key.getString("id"), new JsonObject()
        .put("spendUsd", new JsonObject().put("amount", 0.2).put("window", "day")));
    OpenAIClient client = openAi(key.getString("key"));
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini").maxTokens(10)
        .addUserMessage("hi").build();
    for (int i = 0; i < 2; i++) {
      try (var stream = client.chat().completions().createStreaming(params)) {
        assertThat(stream.stream().count()).isPositive();
      }
      Thread.sleep(100);
    }
    assertThatThrownBy(() -> {
      try (var stream = client.chat().completions().createStreaming(params)) {
        stream.stream().count();
      }
    }).isInstanceOf(com.openai.errors.RateLimitException.class).hasMessageContaining("daily-budget")
        .hasMessageContaining("spend");
    HttpResponse<String> refused = raw("/v1/openai/chat/completions", "Authorization", "Bearer " + key.getString("key"),
        "{\"model\":\"gpt-4o-mini\",\"messages\":[]}");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("x-ratelimit-limit-spend-usd")).hasValue("0.2");
    assertThat(refused.headers().firstValue("x-ratelimit-remaining-spend-usd")).hasValue("0");
    JsonObject spend = awaitStatus(rule, "spend", null);
    assertThat(new BigDecimal(spend.getValue("usedUsd").toString())).isGreaterThan(new BigDecimal("0.3"));
    client.close();
  }

  @Test
  void aRuleNarrowedToOneModelLeavesOtherModelsAloneAndCountsModelRouterCallsToo() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o", "hi", 10, 2)));
    JsonObject key = virtualKey("narrow");
    JsonObject rule = keyRule("gpt-4o-only", key.getString("id"), new JsonObject().put("requestsPerMinute", 2)
        .put("models", new JsonArray().add("openai:gpt-4o")));
    OpenAIClient direct = openAi(key.getString("key"));
    OpenAIClient router = OpenAIOkHttpClient.builder().baseUrl(portcullis.url("/v1/model-router/")
        + defaultProxyId()).apiKey(key.getString("key")).maxRetries(0).build();
    direct.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("a").build());
    router.chat().completions().create(ChatCompletionCreateParams.builder().model("openai:gpt-4o")
        .addUserMessage("a").build());
    assertThatThrownBy(() -> router.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("openai:gpt-4o").addUserMessage("a").build())).isInstanceOf(com.openai.errors.RateLimitException.class)
        .hasMessageContaining(rule.getString("id"));
    for (int i = 0; i < 5; i++) {
      direct.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
          .addUserMessage("a").build());
    }
    direct.close();
    router.close();
  }

  @Test
  void softRulesLetCallsThroughAndFlagThemInTheLedger() throws Exception {
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o-mini", "hi", 10, 2)));
    JsonObject key = virtualKey("soft");
    JsonObject rule = keyRule("soft-rpm", key.getString("id"), new JsonObject().put("requestsPerMinute", 1)
        .put("mode", "soft"));
    OpenAIClient client = openAi(key.getString("key"));
    for (int i = 0; i < 3; i++) {
      client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini")
          .addUserMessage("a").build());
    }
    client.close();
    long flagged = 0;
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (flagged < 2 && System.nanoTime() < deadline) {
      flagged = records().stream().filter(r -> key.getString("id").equals(r.getString("callerId"))
          && ("soft:" + rule.getString("id")).equals(r.getString("limits"))).count();
      Thread.sleep(50);
    }
    assertThat(flagged).as("the two calls over the limit are flagged").isEqualTo(2);
    assertThat(MetricsScrape.await(portcullis, "portcullis_limits_soft_exceeded_total",
        Map.of("rule", rule.getString("id")))).isEqualTo(2);
  }

  @Test
  void concurrentStreamsAreHeldUntilTheyEndAndChangesTakeEffectWithinASecond() throws Exception {
    SseScript held = OpenAiWire.chatStream(OpenAiWire.chatTextStream("gpt-4o-mini", List.of("a"), 1, 1)).gate("go");
    upstream.on("POST", "/openai/v1/chat/completions", held);
    JsonObject key = virtualKey("streams");
    JsonObject rule = keyRule("one-stream", key.getString("id"), new JsonObject().put("concurrentStreams", 1));
    String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[]}";
    HttpResponse<InputStream> first = http.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl("openai")
            + "/chat/completions")).header("Authorization", "Bearer " + key.getString("key"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(first.statusCode()).isEqualTo(200);
    HttpResponse<String> second = raw("/v1/openai/chat/completions", "Authorization", "Bearer " + key.getString("key"),
        body);
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.headers().firstValue("x-ratelimit-limit-streams")).hasValue("1");
    held.open("go");
    first.body().readAllBytes();
    upstream.on("POST", "/openai/v1/chat/completions", OpenAiWire.chatStream(
        OpenAiWire.chatTextStream("gpt-4o-mini", List.of("a"), 1, 1)));
    awaitStatus(rule, "streams", used -> used == 0);
    assertThat(raw("/v1/openai/chat/completions", "Authorization", "Bearer " + key.getString("key"), body)
        .statusCode()).isEqualTo(200);

    // A new rule binds within a second; deleting it frees the key within a second.
    JsonObject none = keyRule("nothing", key.getString("id"), new JsonObject().put("requestsPerMinute", 1));
    long deadline = System.nanoTime() + 1_500_000_000L;
    int status = 200;
    while (status != 429 && System.nanoTime() < deadline) {
      status = raw("/v1/openai/chat/completions", "Authorization", "Bearer " + key.getString("key"), body).statusCode();
    }
    assertThat(status).isEqualTo(429);
    assertThat(admin.send("DELETE", "/api/admin/limits/" + none.getString("id"), null).statusCode()).isEqualTo(204);
    Thread.sleep(1_100);
    assertThat(raw("/v1/openai/chat/completions", "Authorization", "Bearer " + key.getString("key"), body)
        .statusCode()).isEqualTo(200);
  }

  @Test
  void junkRulesAreRefusedNamingTheFieldAndNothingChanges() {
    int before = new JsonObject(admin.send("GET", "/api/admin/limits", null).body()).getJsonArray("data").size();
    HttpResponse<String> bad = admin.send("POST", "/api/admin/limits", new JsonObject().put("name", "x")
        .put("appliesTo", new JsonObject().put("organization", true)).put("requestsPerMinute", -1));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("requestsPerMinute");
    // A rule for a key that does not exist would never apply: refused, naming the field.
    HttpResponse<String> typo = admin.send("POST", "/api/admin/limits", new JsonObject().put("name", "typo")
        .put("appliesTo", new JsonObject().put("virtualKeyId", "no-such-key")).put("requestsPerMinute", 1));
    assertThat(typo.statusCode()).as(typo.body()).isEqualTo(400);
    assertThat(typo.body()).contains("appliesTo.virtualKeyId").contains("names no virtual key");
    HttpResponse<String> proxyTypo = admin.send("POST", "/api/admin/limits", new JsonObject().put("name", "typo")
        .put("appliesTo", new JsonObject().put("llmProxyId", "' OR 1=1 --")).put("requestsPerMinute", 1));
    assertThat(proxyTypo.statusCode()).as(proxyTypo.body()).isEqualTo(400);
    assertThat(new AdminClient(portcullis.adminUrl(), "wrong").send("GET", "/api/admin/limits", null).statusCode())
        .isEqualTo(401);
    assertThat(new AdminClient(portcullis.adminUrl(), null).send("POST", "/api/admin/limits", new JsonObject()
        .put("name", "sneaky").put("appliesTo", new JsonObject().put("organization", true))
        .put("requestsPerMinute", 1)).statusCode()).isEqualTo(401);
    assertThat(new JsonObject(admin.send("GET", "/api/admin/limits", null).body()).getJsonArray("data").size())
        .isEqualTo(before);
  }

  private static String defaultProxyId() {
    JsonArray proxies = new JsonObject(admin.send("GET", "/api/admin/llm-proxies", null).body()).getJsonArray("data");
    for (int i = 0; i < proxies.size(); i++) {
      if (proxies.getJsonObject(i).getBoolean("isDefault", false)) {
        return proxies.getJsonObject(i).getString("id");
      }
    }
    return admin.create("llm-proxies", new JsonObject().put("name", "router")).getString("id");
  }

  /** The rule's status entry for {@code metric}, once {@code until} holds of its use (any use when null). */
  private static JsonObject awaitStatus(JsonObject rule, String metric, Predicate<Long> until) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    JsonObject entry = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> status = admin.send("GET", "/api/admin/limits/" + rule.getString("id") + "/status", null);
      assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
      for (Object each : new JsonObject(status.body()).getJsonArray("limits")) {
        JsonObject limit = (JsonObject) each;
        if (metric.equals(limit.getString("metric"))) {
          entry = limit;
        }
      }
      if (entry != null && (until == null || until.test(entry.getLong("used", -1L)))) {
        return entry;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("status of " + metric + " never matched: " + entry);
  }

  private static List<JsonObject> records() {
    HttpResponse<String> export = admin.send("GET", "/api/admin/usage/export?format=jsonl", null);
    assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
    List<JsonObject> records = new ArrayList<>();
    export.body().lines().filter(line -> !line.isBlank()).forEach(line -> records.add(new JsonObject(line)));
    return records;
  }

  private static JsonObject awaitRecord(Predicate<JsonObject> matches) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<JsonObject> found = records().stream().filter(matches).toList();
      if (!found.isEmpty()) {
        return found.get(0);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no such record within 20 s");
  }
}
