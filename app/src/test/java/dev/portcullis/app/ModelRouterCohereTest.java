package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.core.http.StreamResponse;
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
import dev.portcullis.testkit.CohereWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cohere:} models through the model router: openai-java against a recording Cohere v2 chat
 * upstream, checking both the OpenAI objects and the native requests.
 */
class ModelRouterCohereTest {

  private static final String KEY = "co-stored-0123456789";
  private static final String MODEL = "command-a-03-2025";
  private static final String CHAT = "/cohere/v2/chat";
  private static RouterRig rig;

  @BeforeAll
  static void start() {
    rig = new RouterRig("cohere", KEY, Map.of("ARCHESTRA_COHERE_BASE_URL", "/cohere"));
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
    return rig.lastUpstreamCall(CHAT, "Authorization", "Bearer " + KEY).json();
  }

  /** A streamed tool call: the plan, then the call's name and its arguments in two pieces. */
  private static SseScript toolCallStream() {
    String start = "{\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":"
        + "{\"id\":\"get_weather_7\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}}}}";
    return CohereWire.stream(List.of(
        new String[] {"message-start", "{\"id\":\"s1\",\"type\":\"message-start\",\"delta\":{\"message\":"
            + "{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}"},
        new String[] {"tool-plan-delta", "{\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"I will check.\"}}}"},
        new String[] {"tool-call-start", start},
        new String[] {"tool-call-delta", "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":"
            + "{\"tool_calls\":{\"function\":{\"arguments\":\"{\\\"city\\\":\"}}}}}"},
        new String[] {"tool-call-delta", "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":"
            + "{\"tool_calls\":{\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}}}}"},
        new String[] {"tool-call-end", "{\"type\":\"tool-call-end\",\"index\":0}"},
        new String[] {"message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"TOOL_CALL\","
            + "\"usage\":{\"billed_units\":{\"input_tokens\":20,\"output_tokens\":9},"
            + "\"tokens\":{\"input_tokens\":220,\"output_tokens\":9}}}}"}));
  }

  @Test
  void plainChatWithASystemPrompt() {
    rig.upstream.on("POST", CHAT, RecordingUpstream.json(200, CohereWire.chat("Hello!", 11, 3)));

    ChatCompletion completion = rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("cohere:" + MODEL).addSystemMessage("Be brief.").addUserMessage("Say hello").maxCompletionTokens(50)
        .build());

    assertThat(completion.choices().get(0).message().content()).hasValue("Hello!");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);
    JsonObject body = received();
    assertThat(body.getString("model")).isEqualTo(MODEL);
    assertThat(body.getInteger("max_tokens")).isEqualTo(50);
    JsonArray messages = body.getJsonArray("messages");
    assertThat(messages.getJsonObject(0)).isEqualTo(new JsonObject().put("role", "system").put("content", "Be brief."));
    assertThat(messages.getJsonObject(1).getString("role")).isEqualTo("user");
  }

  @Test
  void multiTurnToolCallAndItsResult() {
    rig.upstream.on("POST", CHAT, RecordingUpstream.json(200, CohereWire.toolCallChat("get_weather", "{\"city\":\"Paris\"}")));
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("cohere:" + MODEL)
        .addUserMessage("Weather in Paris?").addTool(RouterFixtures.weatherTool());

    ChatCompletion first = rig.client.chat().completions().create(params.build());

    ChatCompletionMessageToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().id()).isEqualTo("get_weather_1");
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    JsonObject tool = received().getJsonArray("tools").getJsonObject(0);
    assertThat(tool.getJsonObject("function").getString("name")).isEqualTo("get_weather");

    rig.upstream.on("POST", CHAT, RecordingUpstream.json(200, CohereWire.chat("Sunny.", 40, 2)));
    ChatCompletion second = rig.client.chat().completions().create(params
        .addMessage(first.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("get_weather_1").content("sunny").build())
        .build());

    assertThat(second.choices().get(0).message().content()).hasValue("Sunny.");
    JsonArray messages = received().getJsonArray("messages");
    assertThat(messages).hasSize(3);
    JsonObject assistantCall = messages.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0);
    assertThat(assistantCall.getString("id")).isEqualTo("get_weather_1");
    assertThat(new JsonObject(assistantCall.getJsonObject("function").getString("arguments")))
        .isEqualTo(new JsonObject().put("city", "Paris"));
    assertThat(messages.getJsonObject(2).getString("role")).isEqualTo("tool");
    assertThat(messages.getJsonObject(2).getString("tool_call_id")).isEqualTo("get_weather_1");
  }

  @Test
  void textStreamWithUsageAndToolCallStream() {
    rig.upstream.on("POST", CHAT, CohereWire.stream(CohereWire.textStream(List.of("Hel", "lo!"), 7, 2)));
    ChatCompletionAccumulator text = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("cohere:" + MODEL).addUserMessage("Hi")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      chunks = stream.stream().peek(text::accumulate).toList();
    }
    assertThat(text.chatCompletion().choices().get(0).message().content()).hasValue("Hello!");
    assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().promptTokens()).isPositive();
    assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isEqualTo(2);
    assertThat(received().getBoolean("stream")).isTrue();

    rig.upstream.on("POST", CHAT, toolCallStream());
    ChatCompletionAccumulator tools = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("cohere:" + MODEL).addUserMessage("Weather?")
            .addTool(RouterFixtures.weatherTool()).build())) {
      stream.stream().forEach(tools::accumulate);
    }
    ChatCompletionMessageToolCall call = tools.chatCompletion().choices().get(0).message().toolCalls().orElseThrow()
        .get(0);
    assertThat(call.asFunction().id()).isEqualTo("get_weather_7");
    assertThat(call.asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(tools.chatCompletion().choices().get(0).finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
  }

  /**
   * Cohere's v2 stream may end with {@code data: [DONE]} after {@code message-end}, and its SDKs stop
   * there: through the router the client gets every chunk and a clean end either way, with or
   * without the marker, with CRLF line ends, keep-alive comments and no blank line after the last
   * event, and the usage is counted once per call.
   */
  @Test
  void aCohereStreamEndsCleanlyWithOrWithoutATrailingDoneMarker() throws Exception {
    TokenCounters tokens = new TokenCounters(rig.portcullis);
    String model = "command-r-done";
    String plain = cohereStreamText(List.of("Hel", "lo!"), 7, 2);
    List<String> upstreams = List.of(
        plain,
        plain + "data: [DONE]\n\n",
        ": keep-alive\r\n\r\n" + plain.replace("\n\n", "\n\n: keep-alive\n\n").replace("\n", "\r\n") + "data: [DONE]",
        plain.substring(0, plain.length() - 2));
    long calls = 0;
    for (String upstream : upstreams) {
      rig.upstream.on("POST", CHAT, SseScript.create().raw(upstream));
      ChatCompletionAccumulator text = ChatCompletionAccumulator.create();
      List<ChatCompletionChunk> chunks;
      try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
          ChatCompletionCreateParams.builder().model("cohere:" + model).addUserMessage("Hi")
              .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
        chunks = stream.stream().peek(text::accumulate).toList();
      }
      calls++;
      assertThat(text.chatCompletion().choices().get(0).message().content()).as(upstream).hasValue("Hello!");
      assertThat(text.chatCompletion().choices().get(0).finishReason()).as(upstream)
          .isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
      assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).as(upstream).isEqualTo(2);
      assertThat(tokens.await("model-router", "cohere:" + model, "output", 2 * calls)).as(upstream).isEqualTo(2 * calls);
      assertThat(tokens.await("model-router", "cohere:" + model, "input", 207 * calls)).as(upstream).isEqualTo(207 * calls);
    }

    // The exact bytes: the router's own [DONE] once at the end, no error event.
    rig.upstream.on("POST", CHAT, SseScript.create().raw(plain + "data: [DONE]\n\n"));
    HttpResponse<String> raw = rig.post("/chat/completions", "{\"model\":\"cohere:" + model
        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body()).doesNotContain("\"error\"").endsWith("data: [DONE]\n\n");
    assertThat(raw.body().indexOf("[DONE]")).isEqualTo(raw.body().lastIndexOf("[DONE]"));
  }

  private static String cohereStreamText(List<String> pieces, int inputTokens, int outputTokens) {
    StringBuilder text = new StringBuilder();
    for (String[] event : CohereWire.textStream(pieces, inputTokens, outputTokens)) {
      text.append("event: ").append(event[0]).append("\ndata: ").append(event[1]).append("\n\n");
    }
    return text.toString();
  }

  @Test
  void imagesKeepTheirImageUrlPart() {
    rig.upstream.on("POST", CHAT, RecordingUpstream.json(200, CohereWire.chat("A dot.", 30, 3)));

    rig.client.chat().completions().create(ChatCompletionCreateParams.builder().model("cohere:" + MODEL)
        .addUserMessageOfArrayOfContentParts(RouterFixtures.textAndImage("What is this?", RouterFixtures.PNG_DATA_URL))
        .build());

    JsonArray content = received().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
    assertThat(content.getJsonObject(0).getString("text")).isEqualTo("What is this?");
    assertThat(content.getJsonObject(1).getString("type")).isEqualTo("image_url");
    assertThat(content.getJsonObject(1).getJsonObject("image_url").getString("url"))
        .isEqualTo(RouterFixtures.PNG_DATA_URL);
  }

  @Test
  void responsesApiWholeAndStreamed() {
    rig.upstream.on("POST", CHAT, RecordingUpstream.json(200, CohereWire.chat("Hola!", 6, 2)));
    Response response = rig.client.responses().create(ResponseCreateParams.builder().model("cohere:" + MODEL)
        .instructions("Answer in Spanish.").input("Hello").build());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Hola!");
    assertThat(received().getJsonArray("messages").getJsonObject(0).getString("content")).isEqualTo("Answer in Spanish.");

    rig.upstream.on("POST", CHAT, CohereWire.stream(CohereWire.textStream(List.of("Ho", "la!"), 6, 2)));
    ResponseAccumulator accumulator = ResponseAccumulator.create();
    List<ResponseStreamEvent> events;
    try (StreamResponse<ResponseStreamEvent> stream = rig.client.responses().createStreaming(
        ResponseCreateParams.builder().model("cohere:" + MODEL).input("Hello").build())) {
      events = stream.stream().peek(accumulator::accumulate).toList();
    }
    assertThat(events.get(0).isCreated()).isTrue();
    assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
    assertThat(accumulator.response().output().get(0).asMessage().content().get(0).asOutputText().text())
        .isEqualTo("Hola!");
    assertThat(accumulator.response().usage().orElseThrow().outputTokens()).isEqualTo(2);
  }

  @Test
  void nativeErrorsKeepStatusAndRetryAfter() throws Exception {
    rig.upstream.on("POST", CHAT, RecordingUpstream.json(429, CohereWire.error("You are being rate limited"),
        Map.of("retry-after", "3")));
    assertThatThrownBy(() -> rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("cohere:" + MODEL).addUserMessage("Hi").build()))
        .isInstanceOf(RateLimitException.class).hasMessageContaining("rate limited");
    HttpResponse<String> raw = rig.post("/chat/completions",
        "{\"model\":\"cohere:" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(raw.statusCode()).isEqualTo(429);
    assertThat(raw.headers().firstValue("retry-after")).hasValue("3");
  }

  @Test
  void modelsComeFromTheChatEndpointList() {
    rig.upstream.on("GET", "/cohere/v1/models", RecordingUpstream.json(200, CohereWire.models("command-r", "command-a-03-2025")));

    assertThat(rig.client.models().list().autoPager().stream().map(Model::id).toList())
        .containsExactly("cohere:command-a-03-2025", "cohere:command-r");
    assertThat(rig.upstream.last().query()).contains("endpoint=chat");
  }
}
