package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.portcullis.testkit.AnthropicWire;
import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing on, spans read from an in-memory exporter: every LLM call is one GenAI span in the
 * client's trace, between the gateway's HTTP server span and the bus request that reaches the
 * provider, whose upstream call carries the same trace in its {@code traceparent}. Official SDKs
 * on the client side, recording upstreams on the other.
 */
class TracingTest {

  private static final String KEY = "sk-test-client-key-0123456789";
  private static final String ANTHROPIC_KEY = "sk-ant-stored-0123456789";
  private static final String GEMINI_KEY = "AIzaSyTracingTestKey0123456789";
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "ARCHESTRA_ANTHROPIC_BASE_URL", upstream.baseUrl("/anthropic"),
        "ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("/gemini")), spans);
    client = OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai")).apiKey(KEY).maxRetries(0).build();
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
    spans.reset();
  }

  @Test
  void aChatCallIsOneGenAiSpanInTheClientsTraceAndTheUpstreamGetsThatTrace() {
    upstream.on("POST", "/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o-2024-08-06", "Hello there!", 12, 3)));
    String traceId = hex(16);
    String clientSpanId = hex(8);

    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("Say hello")
        .putAdditionalHeader("traceparent", "00-" + traceId + "-" + clientSpanId + "-01").build());

    assertThat(completion.choices().get(0).message().content()).contains("Hello there!");
    SpanData genAi = oneGenAiSpan(traceId);
    assertThat(genAi.getName()).isEqualTo("chat gpt-4o");
    assertThat(genAi.getKind()).isEqualTo(SpanKind.CLIENT);
    Map<String, Object> attributes = attributes(genAi);
    assertThat(attributes).containsEntry("gen_ai.operation.name", "chat")
        .containsEntry("gen_ai.provider.name", "openai")
        .containsEntry("gen_ai.system", "openai")
        .containsEntry("gen_ai.request.model", "gpt-4o")
        .containsEntry("gen_ai.response.model", "gpt-4o-2024-08-06")
        .containsEntry("gen_ai.usage.input_tokens", 12L)
        .containsEntry("gen_ai.usage.output_tokens", 3L)
        .containsEntry("portcullis.caller.kind", "passthrough")
        .containsEntry("portcullis.stream", false)
        .containsEntry("portcullis.outcome", "completed")
        .containsKey("portcullis.request.id")
        .doesNotContainKey("error.type");
    assertThat(genAi.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);

    // Its parent is the gateway's server span, whose parent is the client's span.
    SpanData server = span(genAi.getParentSpanId());
    assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(server.getParentSpanId()).isEqualTo(clientSpanId);
    assertThat(server.getTraceId()).isEqualTo(traceId);

    // The upstream got one traceparent of the same trace: its parent span descends from the GenAI span.
    assertUpstreamCallDescendsFrom(genAi);
    assertNoSecretIn(KEY);
  }

  @Test
  void aStreamedCallIsOneSpanWithItsUsageAndNoSpanPerChunk() {
    upstream.on("POST", "/v1/chat/completions", OpenAiWire.chatStream(
        OpenAiWire.chatTextStream("gpt-4o-mini-2024-07-18", List.of("Hel", "lo", " there", "!"), 9, 4)));
    String traceId = hex(16);

    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Greet")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .putAdditionalHeader("traceparent", "00-" + traceId + "-" + hex(8) + "-01").build())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
    }

    assertThat(text.toString()).isEqualTo("Hello there!");
    SpanData genAi = oneGenAiSpan(traceId);
    assertThat(genAi.getName()).isEqualTo("chat gpt-4o-mini");
    assertThat(attributes(genAi)).containsEntry("portcullis.stream", true)
        .containsEntry("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
        .containsEntry("gen_ai.usage.input_tokens", 9L)
        .containsEntry("gen_ai.usage.output_tokens", 4L)
        .containsEntry("portcullis.outcome", "completed");
    assertUpstreamCallDescendsFrom(genAi);
    // Stream frames and credit are never traced: only the request that opened the stream is.
    assertThat(trace(traceId)).noneMatch(span -> String.valueOf(
        span.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))).startsWith("portcullis.stream."));
    assertThat(trace(traceId)).hasSizeLessThanOrEqualTo(6);
  }

  @Test
  void aCallWithoutATraceparentStartsATraceOfItsOwn() {
    upstream.on("POST", "/v1/embeddings", RecordingUpstream.json(200, OpenAiWire.embeddings("text-embedding-3-small", 5)));

    client.embeddings().create(com.openai.models.embeddings.EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("hello").build());

    SpanData genAi = awaitGenAiSpan();
    assertThat(genAi.getName()).isEqualTo("embeddings text-embedding-3-small");
    assertThat(attributes(genAi)).containsEntry("gen_ai.usage.input_tokens", 5L);
    SpanData server = span(genAi.getParentSpanId());
    assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(server.getParentSpanContext().isValid()).isFalse();
    assertUpstreamCallDescendsFrom(genAi);
  }

  @Test
  void aFailedCallCarriesItsErrorType() {
    upstream.on("POST", "/v1/chat/completions",
        RecordingUpstream.json(429, OpenAiWire.error("rate_limit_exceeded", "Slow down", "rate_limit_exceeded")));
    String traceId = hex(16);

    try {
      client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi")
          .putAdditionalHeader("traceparent", "00-" + traceId + "-" + hex(8) + "-01").build());
    } catch (com.openai.errors.RateLimitException expected) {
      // the 429 reached the client
    }

    SpanData genAi = oneGenAiSpan(traceId);
    assertThat(attributes(genAi)).containsEntry("error.type", "429");
    assertThat(genAi.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void aModelRouterCallIsASpanForTheTargetProviderAndItsTraceReachesAnthropic() throws Exception {
    AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    String proxyId = admin.create("llm-proxies", new JsonObject().put("name", "traced")).getString("id");
    String keyId = admin.create("provider-keys", new JsonObject().put("provider", "anthropic")
        .put("name", "traced-anthropic").put("apiKey", ANTHROPIC_KEY)).getString("id");
    String virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "traced")
        .put("providerKeyIds", new JsonArray().add(keyId))).getString("key");
    upstream.on("POST", "/anthropic/v1/messages",
        RecordingUpstream.json(200, AnthropicWire.message("claude-sonnet-4-5-20250929", "Hello!", 12, 4)));
    spans.reset();
    String traceId = hex(16);

    OpenAIClient router = OpenAIOkHttpClient.builder().baseUrl(portcullis.url("/v1/model-router/" + proxyId))
        .apiKey(virtualKey).maxRetries(0).build();
    ChatCompletion completion = router.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("anthropic:claude-sonnet-4-5").addUserMessage("Hi")
        .putAdditionalHeader("traceparent", "00-" + traceId + "-" + hex(8) + "-01").build());
    router.close();
    assertThat(completion.choices().get(0).message().content()).contains("Hello!");

    SpanData genAi = oneGenAiSpan(traceId);
    assertThat(genAi.getName()).isEqualTo("chat claude-sonnet-4-5");
    assertThat(attributes(genAi)).containsEntry("gen_ai.provider.name", "anthropic")
        .containsEntry("gen_ai.request.model", "claude-sonnet-4-5")
        .containsEntry("gen_ai.response.model", "claude-sonnet-4-5-20250929")
        .containsEntry("gen_ai.usage.input_tokens", 12L)
        .containsEntry("gen_ai.usage.output_tokens", 4L)
        .containsEntry("portcullis.caller.kind", "virtual_key")
        .containsEntry("portcullis.llm_proxy.id", proxyId);
    // Gateway -> model router -> anthropic verticle -> upstream, all in the one trace.
    assertUpstreamCallDescendsFrom(genAi);
    assertThat(trace(traceId).stream().map(s -> String.valueOf(
        s.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))))
        .contains("portcullis.router.model", "portcullis.provider.anthropic");
    assertNoSecretIn(ANTHROPIC_KEY);
    assertNoSecretIn(virtualKey);
  }

  @Test
  void aKeyInTheQueryNeverReachesASpan() throws Exception {
    String path = "/v1beta/models/gemini-2.5-flash:generateContent";
    upstream.on("POST", "/gemini" + path, RecordingUpstream.json(200, GeminiWire.generateContent("gemini-2.5-flash", "ok", 1, 1)));

    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("gemini") + path + "?key=" + GEMINI_KEY))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().query()).isEqualTo("key=" + GEMINI_KEY);
    SpanData genAi = awaitGenAiSpan();
    assertThat(attributes(genAi)).containsEntry("gen_ai.operation.name", "generate_content")
        .containsEntry("gen_ai.provider.name", "gcp.gemini");
    SpanData server = span(genAi.getParentSpanId());
    assertThat(server.getAttributes().get(AttributeKey.stringKey("url.query"))).isEqualTo("key=REDACTED");
    assertThat(upstreamSpan().getAttributes().get(AttributeKey.stringKey("url.full"))).endsWith("?key=REDACTED");
    assertNoSecretIn(GEMINI_KEY);
  }

  @Test
  void healthAndReadinessProbesAreNeverTraced() throws Exception {
    upstream.on("POST", "/v1/embeddings", RecordingUpstream.json(200, OpenAiWire.embeddings("text-embedding-3-small", 2)));
    HttpClient http = HttpClient.newHttpClient();
    for (String probe : List.of("/health", "/ready")) {
      assertThat(http.send(HttpRequest.newBuilder(URI.create(portcullis.url(probe))).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    // A call after them: once its spans are in, the probes' would be too.
    client.embeddings().create(com.openai.models.embeddings.EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").input("hello").build());

    awaitGenAiSpan();
    assertThat(spans.getFinishedSpanItems()).extracting(s -> String.valueOf(
        s.getAttributes().get(AttributeKey.stringKey("url.path")))).doesNotContain("/health", "/ready");
    assertThat(spans.getFinishedSpanItems()).anyMatch(s -> "/v1/openai/embeddings"
        .equals(s.getAttributes().get(AttributeKey.stringKey("url.path"))));
  }

  /** The one GenAI span of the trace, once the call has been recorded. */
  private static SpanData oneGenAiSpan(String traceId) {
    List<SpanData> found = awaitSpans(all -> all.stream()
        .filter(s -> s.getTraceId().equals(traceId) && s.getAttributes().get(OPERATION) != null).toList());
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private static SpanData awaitGenAiSpan() {
    List<SpanData> found = awaitSpans(all -> all.stream().filter(s -> s.getAttributes().get(OPERATION) != null).toList());
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  /** Waits until the gateway's server span of the call has ended too: it ends with the answer. */
  private static List<SpanData> awaitSpans(Function<List<SpanData>, List<SpanData>> select) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      List<SpanData> all = spans.getFinishedSpanItems();
      List<SpanData> selected = select.apply(all);
      boolean serverDone = selected.size() == 1 && all.stream().anyMatch(s -> s.getSpanId().equals(
          selected.get(0).getParentSpanId()));
      if (serverDone || System.nanoTime() > deadline) {
        return selected;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return selected;
      }
    }
  }

  private static List<SpanData> trace(String traceId) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }

  private static SpanData span(String spanId) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getSpanId().equals(spanId)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + spanId + " in " + spans.getFinishedSpanItems()));
  }

  /** The provider's HTTP client span of the upstream call. */
  private static SpanData upstreamSpan() {
    List<SpanData> found = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getAttributes().get(AttributeKey.stringKey("url.full")) != null).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  /**
   * The upstream received exactly one {@code traceparent}, of the GenAI span's trace, naming the
   * provider's HTTP client span, which descends from the GenAI span.
   */
  private static void assertUpstreamCallDescendsFrom(SpanData genAi) {
    RecordedRequest received = upstream.last();
    List<String> traceparents = received.headers().getAll("traceparent");
    assertThat(traceparents).hasSize(1);
    String[] parts = traceparents.get(0).split("-");
    assertThat(parts[1]).isEqualTo(genAi.getTraceId());
    SpanData upstreamCall = span(parts[2]);
    assertThat(upstreamCall.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(upstreamCall).isEqualTo(upstreamSpan());
    Map<String, SpanData> byId = spans.getFinishedSpanItems().stream()
        .collect(Collectors.toMap(SpanData::getSpanId, s -> s, (a, b) -> a));
    SpanData ancestor = upstreamCall;
    while (ancestor != null && !ancestor.getSpanId().equals(genAi.getSpanId())) {
      ancestor = byId.get(ancestor.getParentSpanId());
    }
    assertThat(ancestor).as("the upstream call's span descends from the GenAI span").isNotNull();
  }

  /** No attribute of any span holds {@code secret}. */
  private static void assertNoSecretIn(String secret) {
    for (SpanData span : spans.getFinishedSpanItems()) {
      span.getAttributes().forEach((key, value) -> assertThat(String.valueOf(value))
          .as(span.getName() + " " + key).doesNotContain(secret));
      assertThat(span.getName()).doesNotContain(secret);
    }
  }

  private static Map<String, Object> attributes(SpanData span) {
    return span.getAttributes().asMap().entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().getKey(), Map.Entry::getValue));
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
