package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.portcullis.testkit.AnthropicWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code anthropic:} models through the model router: openai-java on one side, a recording
 * Anthropic Messages upstream on the other; each test checks the OpenAI object the client got and
 * the native request Anthropic received.
 */
class ModelRouterAnthropicTest {

  private static final String KEY = "sk-ant-stored-0123456789";
  private static final String MODEL = "claude-sonnet-4-5";
  private static final String MESSAGES = "/anthropic/v1/messages";
  private static RouterRig rig;

  @BeforeAll
  static void start() {
    rig = new RouterRig("anthropic", KEY, Map.of("ARCHESTRA_ANTHROPIC_BASE_URL", "/anthropic"));
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  @BeforeEach
  void clear() {
    rig.upstream.reset();
  }

  private static JsonObject received() {
    RecordedRequest last = rig.lastUpstreamCall(MESSAGES, "x-api-key", KEY);
    assertThat(last.header("anthropic-version")).isNotBlank();
    return last.json();
  }

  @Test
  void plainChatWithASystemPromptIsTranslatedBothWays() {
    rig.upstream.on("POST", MESSAGES, RecordingUpstream.json(200, AnthropicWire.message(MODEL, "Hello!", 12, 4)));

    ChatCompletion completion = rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("anthropic:" + MODEL).addSystemMessage("Be brief.").addUserMessage("Say hello")
        .temperature(0.5).stop("END").build());

    assertThat(completion.choices().get(0).message().content()).hasValue("Hello!");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(12);
    assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(4);
    JsonObject body = received();
    assertThat(body.getString("model")).isEqualTo(MODEL);
    assertThat(body.getInteger("max_tokens")).isEqualTo(4096);
    assertThat(body.getJsonArray("system").getJsonObject(0).getString("text")).isEqualTo("Be brief.");
    assertThat(body.getJsonArray("messages")).hasSize(1);
    assertThat(body.getJsonArray("messages").getJsonObject(0).getString("role")).isEqualTo("user");
    assertThat(body.getDouble("temperature")).isEqualTo(0.5);
    assertThat(body.getJsonArray("stop_sequences")).containsExactly("END");
    assertThat(body.containsKey("stream")).isFalse();
  }

  @Test
  void multiTurnToolCallAndItsResult() {
    rig.upstream.on("POST", MESSAGES,
        RecordingUpstream.json(200, AnthropicWire.toolUseMessage(MODEL, "get_weather", "{\"city\":\"Paris\"}")));
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("anthropic:" + MODEL)
        .addUserMessage("Weather in Paris?").addTool(RouterFixtures.weatherTool());

    ChatCompletion first = rig.client.chat().completions().create(params.build());

    ChatCompletionMessageToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(new JsonObject(call.asFunction().function().arguments())).isEqualTo(new JsonObject().put("city", "Paris"));
    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    JsonObject tools = received().getJsonArray("tools").getJsonObject(0);
    assertThat(tools.getString("name")).isEqualTo("get_weather");
    assertThat(tools.getJsonObject("input_schema").getString("type")).isEqualTo("object");

    rig.upstream.on("POST", MESSAGES, RecordingUpstream.json(200, AnthropicWire.message(MODEL, "Sunny, 21C.", 40, 6)));
    ChatCompletion second = rig.client.chat().completions().create(params
        .addMessage(first.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.asFunction().id())
            .content("{\"temp\":21,\"sky\":\"sunny\"}").build())
        .build());

    assertThat(second.choices().get(0).message().content()).hasValue("Sunny, 21C.");
    JsonArray messages = received().getJsonArray("messages");
    assertThat(messages).hasSize(3);
    JsonObject assistant = messages.getJsonObject(1);
    assertThat(assistant.getString("role")).isEqualTo("assistant");
    JsonObject toolUse = assistant.getJsonArray("content").stream().map(JsonObject.class::cast)
        .filter(b -> b.getString("type").equals("tool_use")).findFirst().orElseThrow();
    assertThat(toolUse.getString("id")).isEqualTo("toolu_01A09q90qw90lq917835lq9");
    assertThat(toolUse.getJsonObject("input")).isEqualTo(new JsonObject().put("city", "Paris"));
    JsonObject result = messages.getJsonObject(2).getJsonArray("content").getJsonObject(0);
    assertThat(messages.getJsonObject(2).getString("role")).isEqualTo("user");
    assertThat(result.getString("type")).isEqualTo("tool_result");
    assertThat(result.getString("tool_use_id")).isEqualTo("toolu_01A09q90qw90lq917835lq9");
    assertThat(result.getString("content")).contains("sunny");
  }

  @Test
  void textStreamWithUsage() {
    rig.upstream.on("POST", MESSAGES, AnthropicWire.stream(AnthropicWire.textStream(MODEL, List.of("Hel", "lo", "!"), 9, 5)));

    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("anthropic:" + MODEL).addUserMessage("Hi")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      chunks = stream.stream().peek(accumulator::accumulate).toList();
    }

    ChatCompletion completion = accumulator.chatCompletion();
    assertThat(completion.choices().get(0).message().content()).hasValue("Hello!");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(9);
    assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(5);
    assertThat(received().getBoolean("stream")).isTrue();
  }

  @Test
  void toolCallStreamDeliversArgumentDeltasByIndex() throws Exception {
    rig.upstream.on("POST", MESSAGES, AnthropicWire.stream(AnthropicWire.toolUseStream(MODEL, "get_weather")));

    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("anthropic:" + MODEL).addUserMessage("Weather in Paris?")
            .addTool(RouterFixtures.weatherTool()).build())) {
      stream.stream().forEach(accumulator::accumulate);
    }

    ChatCompletion completion = accumulator.chatCompletion();
    assertThat(completion.choices().get(0).message().content()).hasValue("Let me check.");
    ChatCompletionMessageToolCall call = completion.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().id()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(call.asFunction().function().arguments()).isEqualTo("{\"city\": \"Paris\"}");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);

    // The raw stream: argument pieces arrive as separate deltas, and the stream ends with [DONE].
    rig.upstream.on("POST", MESSAGES, AnthropicWire.stream(AnthropicWire.toolUseStream(MODEL, "get_weather")));
    HttpResponse<String> raw = rig.post("/chat/completions", "{\"model\":\"anthropic:" + MODEL
        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}");
    assertThat(raw.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
    assertThat(raw.body()).contains("\"arguments\":\"{\\\"city\\\": \"").contains("\"arguments\":\"\\\"Paris\\\"}\"");
    assertThat(raw.body().trim()).endsWith("data: [DONE]");
  }

  @Test
  void imagesGoAsBase64AndUrlSources() {
    rig.upstream.on("POST", MESSAGES, RecordingUpstream.json(200, AnthropicWire.message(MODEL, "A dot.", 30, 3)));

    rig.client.chat().completions().create(ChatCompletionCreateParams.builder().model("anthropic:" + MODEL)
        .addUserMessageOfArrayOfContentParts(RouterFixtures.textAndImage("What is this?", RouterFixtures.PNG_DATA_URL))
        .build());
    JsonArray content = received().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
    assertThat(content.getJsonObject(0).getString("text")).isEqualTo("What is this?");
    JsonObject source = content.getJsonObject(1).getJsonObject("source");
    assertThat(content.getJsonObject(1).getString("type")).isEqualTo("image");
    assertThat(source.getString("type")).isEqualTo("base64");
    assertThat(source.getString("media_type")).isEqualTo("image/png");
    assertThat(source.getString("data")).isEqualTo(RouterFixtures.PNG_BASE64);

    rig.client.chat().completions().create(ChatCompletionCreateParams.builder().model("anthropic:" + MODEL)
        .addUserMessageOfArrayOfContentParts(RouterFixtures.textAndImage("And this?", "https://example.com/cat.png"))
        .build());
    JsonObject url = received().getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(1)
        .getJsonObject("source");
    assertThat(url.getString("type")).isEqualTo("url");
    assertThat(url.getString("url")).isEqualTo("https://example.com/cat.png");
  }

  @Test
  void responsesApiWholeAndStreamed() {
    rig.upstream.on("POST", MESSAGES, RecordingUpstream.json(200, AnthropicWire.message(MODEL, "Bonjour!", 8, 2)));
    Response response = rig.client.responses().create(ResponseCreateParams.builder().model("anthropic:" + MODEL)
        .instructions("Answer in French.").input("Hello").build());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Bonjour!");
    assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(8);
    JsonObject body = received();
    assertThat(body.getJsonArray("system").getJsonObject(0).getString("text")).isEqualTo("Answer in French.");
    assertThat(body.getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(0)
        .getString("text")).isEqualTo("Hello");

    rig.upstream.on("POST", MESSAGES, AnthropicWire.stream(AnthropicWire.textStream(MODEL, List.of("Bon", "jour!"), 8, 2)));
    ResponseAccumulator accumulator = ResponseAccumulator.create();
    List<ResponseStreamEvent> events;
    try (StreamResponse<ResponseStreamEvent> stream = rig.client.responses().createStreaming(
        ResponseCreateParams.builder().model("anthropic:" + MODEL).input("Hello").build())) {
      events = stream.stream().peek(accumulator::accumulate).toList();
    }
    assertThat(events.get(0).isCreated()).isTrue();
    assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
    assertThat(events.stream().filter(ResponseStreamEvent::isOutputTextDelta).count()).isEqualTo(2);
    Response streamed = accumulator.response();
    assertThat(streamed.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Bonjour!");
    assertThat(streamed.usage().orElseThrow().outputTokens()).isEqualTo(2);
    assertThat(received().getBoolean("stream")).isTrue();
  }

  @Test
  void nativeErrorsBecomeOpenAiErrorsWithRetryAfter() throws Exception {
    rig.upstream.on("POST", MESSAGES, RecordingUpstream.json(429,
        AnthropicWire.error("rate_limit_error", "Number of requests has exceeded your rate limit"),
        Map.of("retry-after", "12")));

    assertThatThrownBy(() -> rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("anthropic:" + MODEL).addUserMessage("Hi").build()))
        .isInstanceOf(RateLimitException.class).hasMessageContaining("exceeded your rate limit");
    HttpResponse<String> raw = rig.post("/chat/completions",
        "{\"model\":\"anthropic:" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(raw.statusCode()).isEqualTo(429);
    assertThat(raw.headers().firstValue("retry-after")).hasValue("12");
    assertThat(new JsonObject(raw.body()).getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");

    rig.upstream.on("POST", MESSAGES, RecordingUpstream.json(400,
        AnthropicWire.error("invalid_request_error", "max_tokens: too large")));
    assertThatThrownBy(() -> rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("anthropic:" + MODEL).addUserMessage("Hi").build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("max_tokens: too large");
  }

  @Test
  void aStreamThatFailsMidwayEndsWithAnErrorEvent() throws Exception {
    rig.upstream.on("POST", MESSAGES, AnthropicWire.stream(List.of(AnthropicWire.messageStart(MODEL, 5),
        new String[] {"content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"},
        AnthropicWire.textDelta(0, "Partial"), AnthropicWire.errorEvent("overloaded_error", "Overloaded"))));

    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs.setContext(context);
    logs.start();
    context.getLogger("portcullis.access").addAppender(logs);
    HttpResponse<String> raw;
    try {
      raw = rig.post("/chat/completions", "{\"model\":\"anthropic:" + MODEL
          + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

      assertThat(raw.statusCode()).isEqualTo(200);
      assertThat(raw.body()).contains("Partial").doesNotContain("[DONE]");
      String last = raw.body().trim().substring(raw.body().trim().lastIndexOf("data: ") + 6);
      assertThat(new JsonObject(last).getJsonObject("error").getString("message")).contains("Overloaded");

      // The client got a complete stream ending with the error event, but the call failed: the
      // access log says so.
      String requestId = raw.headers().firstValue("x-portcullis-request-id").orElseThrow();
      Map<String, Object> access = accessLine(logs, requestId);
      assertThat(access).containsEntry("status", 200).containsEntry("stream", true).containsEntry("outcome", "failed");
    } finally {
      context.getLogger("portcullis.access").detachAppender(logs);
    }
  }

  /** The access-log line of one call (it is written as the stream ends, so wait a moment for it). */
  private static Map<String, Object> accessLine(ListAppender<ILoggingEvent> logs, String requestId)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      for (ILoggingEvent event : List.copyOf(logs.list)) {
        Map<String, Object> fields = new HashMap<>();
        if (event.getKeyValuePairs() != null) {
          event.getKeyValuePairs().forEach(kv -> {
            if (kv.value != null) {
              fields.put(kv.key, kv.value);
            }
          });
        }
        if (requestId.equals(fields.get("requestId"))) {
          return fields;
        }
      }
      assertThat(System.nanoTime()).as("an access-log line for " + requestId).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aClientThatGoesAwayCancelsTheUpstreamCall() throws Exception {
    SseScript script = SseScript.create().header("request-id", "req_gone");
    script.event("message_start", AnthropicWire.messageStart(MODEL, 5)[1]);
    script.event("content_block_start",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    script.event("content_block_delta", AnthropicWire.textDelta(0, "First")[1]);
    script.gate("never");
    script.event("content_block_delta", AnthropicWire.textDelta(0, "never sent")[1]);
    rig.upstream.on("POST", MESSAGES, script);

    try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("anthropic:" + MODEL).addUserMessage("Hi").build())) {
      ChatCompletionChunk first = stream.stream().filter(c -> !c.choices().isEmpty()
          && c.choices().get(0).delta().content().filter(t -> !t.isEmpty()).isPresent()).findFirst().orElseThrow();
      assertThat(first.choices().get(0).delta().content()).hasValue("First");
    }

    // gateway CANCEL -> router cancels the provider stream -> the provider resets the upstream call.
    script.clientGone().get(5, TimeUnit.SECONDS);
  }

  @Test
  void modelsAreQualifiedWithTheProvider() {
    rig.upstream.on("GET", "/anthropic/v1/models",
        RecordingUpstream.json(200, AnthropicWire.models(false, "claude-sonnet-4-5", "claude-haiku-4-5")));

    assertThat(rig.client.models().list().autoPager().stream().map(Model::id).toList())
        .containsExactly("anthropic:claude-haiku-4-5", "anthropic:claude-sonnet-4-5");
    assertThat(rig.upstream.last().header("x-api-key")).isEqualTo(KEY);
  }
}
