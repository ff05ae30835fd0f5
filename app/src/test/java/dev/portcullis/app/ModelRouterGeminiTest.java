package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.RecordingUpstream;
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
 * {@code gemini:} models through the model router: openai-java against a recording Gemini API
 * upstream (AI Studio), checking both the OpenAI objects and the native requests.
 */
class ModelRouterGeminiTest {

  private static final String KEY = "AIza-stored-0123456789";
  private static final String MODEL = "gemini-2.5-flash";
  private static final String GENERATE = "/gemini/v1beta/models/" + MODEL + ":generateContent";
  private static final String STREAM = "/gemini/v1beta/models/" + MODEL + ":streamGenerateContent";
  private static RouterRig rig;

  @BeforeAll
  static void start() {
    rig = new RouterRig("gemini", KEY, Map.of("ARCHESTRA_GEMINI_BASE_URL", "/gemini"));
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

  private static JsonObject received(String path) {
    return rig.lastUpstreamCall(path, "x-goog-api-key", KEY).json();
  }

  private static String functionCallChunk() {
    return new JsonObject().put("candidates", new JsonArray().add(new JsonObject()
            .put("content", new JsonObject().put("role", "model").put("parts", new JsonArray().add(new JsonObject()
                .put("functionCall", new JsonObject().put("name", "get_weather")
                    .put("args", new JsonObject().put("city", "Paris"))))))
            .put("finishReason", "STOP").put("index", 0)))
        .put("usageMetadata", new JsonObject().put("promptTokenCount", 30).put("candidatesTokenCount", 5)
            .put("totalTokenCount", 35))
        .put("modelVersion", MODEL).encode();
  }

  @Test
  void plainChatWithASystemPrompt() {
    rig.upstream.on("POST", GENERATE, RecordingUpstream.json(200, GeminiWire.generateContent(MODEL, "Hello!", 9, 2)));

    ChatCompletion completion = rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini:" + MODEL).addSystemMessage("Be brief.").addUserMessage("Say hello").temperature(0.5)
        .stop("END").maxCompletionTokens(100).build());

    assertThat(completion.choices().get(0).message().content()).hasValue("Hello!");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(9);
    JsonObject body = received(GENERATE);
    assertThat(body.containsKey("model")).isFalse();
    assertThat(body.getJsonObject("systemInstruction").getJsonArray("parts").getJsonObject(0).getString("text"))
        .isEqualTo("Be brief.");
    JsonObject user = body.getJsonArray("contents").getJsonObject(0);
    assertThat(user.getString("role")).isEqualTo("user");
    assertThat(user.getJsonArray("parts").getJsonObject(0).getString("text")).isEqualTo("Say hello");
    JsonObject config = body.getJsonObject("generationConfig");
    assertThat(config.getDouble("temperature")).isEqualTo(0.5);
    assertThat(config.getJsonArray("stopSequences")).containsExactly("END");
    assertThat(config.getInteger("maxOutputTokens")).isEqualTo(100);
  }

  @Test
  void multiTurnToolCallAndItsResult() {
    rig.upstream.on("POST", GENERATE, RecordingUpstream.json(200,
        GeminiWire.functionCall(MODEL, "get_weather", new JsonObject().put("city", "Paris"), 20, 5)));
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("gemini:" + MODEL)
        .addUserMessage("Weather in Paris?").addTool(RouterFixtures.weatherTool());

    ChatCompletion first = rig.client.chat().completions().create(params.build());

    ChatCompletionMessageToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(new JsonObject(call.asFunction().function().arguments())).isEqualTo(new JsonObject().put("city", "Paris"));
    assertThat(call.asFunction().id()).isNotBlank();
    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    JsonObject declaration = received(GENERATE).getJsonArray("tools").getJsonObject(0)
        .getJsonArray("functionDeclarations").getJsonObject(0);
    assertThat(declaration.getString("name")).isEqualTo("get_weather");

    rig.upstream.on("POST", GENERATE, RecordingUpstream.json(200, GeminiWire.generateContent(MODEL, "Sunny.", 40, 2)));
    ChatCompletion second = rig.client.chat().completions().create(params
        .addMessage(first.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.asFunction().id()).content("sunny").build())
        .build());

    assertThat(second.choices().get(0).message().content()).hasValue("Sunny.");
    JsonArray contents = received(GENERATE).getJsonArray("contents");
    assertThat(contents).hasSize(3);
    JsonObject modelTurn = contents.getJsonObject(1);
    assertThat(modelTurn.getString("role")).isEqualTo("model");
    assertThat(modelTurn.getJsonArray("parts").getJsonObject(0).getJsonObject("functionCall").getString("name"))
        .isEqualTo("get_weather");
    JsonObject response = contents.getJsonObject(2).getJsonArray("parts").getJsonObject(0)
        .getJsonObject("functionResponse");
    assertThat(contents.getJsonObject(2).getString("role")).isEqualTo("user");
    assertThat(response.getString("name")).isEqualTo("get_weather");
    assertThat(response.getJsonObject("response").encode()).contains("sunny");
  }

  @Test
  void textStreamWithUsageAndToolCallStream() {
    rig.upstream.on("POST", STREAM, GeminiWire.sseStream(GeminiWire.textStreamChunks(MODEL, List.of("Hel", "lo!"), 9, 4), 5));
    ChatCompletionAccumulator text = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("gemini:" + MODEL).addUserMessage("Hi")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      chunks = stream.stream().peek(text::accumulate).toList();
    }
    assertThat(text.chatCompletion().choices().get(0).message().content()).hasValue("Hello!");
    assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().promptTokens()).isEqualTo(9);
    assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isEqualTo(4);
    received(STREAM);
    assertThat(rig.upstream.last().query()).isEqualTo("alt=sse");

    rig.upstream.on("POST", STREAM, GeminiWire.sseStream(List.of(functionCallChunk()), 0));
    ChatCompletionAccumulator tools = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("gemini:" + MODEL).addUserMessage("Weather?")
            .addTool(RouterFixtures.weatherTool()).build())) {
      stream.stream().forEach(tools::accumulate);
    }
    ChatCompletionMessageToolCall call = tools.chatCompletion().choices().get(0).message().toolCalls().orElseThrow()
        .get(0);
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(new JsonObject(call.asFunction().function().arguments())).isEqualTo(new JsonObject().put("city", "Paris"));
    assertThat(tools.chatCompletion().choices().get(0).finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
  }

  @Test
  void imagesGoAsInlineDataAndUrlsAreRefusedByName() {
    rig.upstream.on("POST", GENERATE, RecordingUpstream.json(200, GeminiWire.generateContent(MODEL, "A dot.", 30, 3)));

    rig.client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini:" + MODEL)
        .addUserMessageOfArrayOfContentParts(RouterFixtures.textAndImage("What is this?", RouterFixtures.PNG_DATA_URL))
        .build());
    JsonArray parts = received(GENERATE).getJsonArray("contents").getJsonObject(0).getJsonArray("parts");
    assertThat(parts.getJsonObject(0).getString("text")).isEqualTo("What is this?");
    JsonObject inline = parts.getJsonObject(1).getJsonObject("inlineData");
    assertThat(inline.getString("mimeType")).isEqualTo("image/png");
    assertThat(inline.getString("data")).isEqualTo(RouterFixtures.PNG_BASE64);

    rig.upstream.reset();
    assertThatThrownBy(() -> rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini:" + MODEL)
        .addUserMessageOfArrayOfContentParts(RouterFixtures.textAndImage("And this?", "https://example.com/cat.png"))
        .build())).isInstanceOf(BadRequestException.class).hasMessageContaining("messages[0].content[1]");
    assertThat(rig.upstream.received()).isEmpty();
  }

  @Test
  void responsesApiWholeAndStreamed() {
    rig.upstream.on("POST", GENERATE, RecordingUpstream.json(200, GeminiWire.generateContent(MODEL, "Hallo!", 6, 2)));
    Response response = rig.client.responses().create(ResponseCreateParams.builder().model("gemini:" + MODEL)
        .instructions("Answer in German.").input("Hello").build());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Hallo!");
    assertThat(received(GENERATE).getJsonObject("systemInstruction").encode()).contains("Answer in German.");

    rig.upstream.on("POST", STREAM, GeminiWire.sseStream(GeminiWire.textStreamChunks(MODEL, List.of("Hal", "lo!"), 6, 2), 0));
    ResponseAccumulator accumulator = ResponseAccumulator.create();
    List<ResponseStreamEvent> events;
    try (StreamResponse<ResponseStreamEvent> stream = rig.client.responses().createStreaming(
        ResponseCreateParams.builder().model("gemini:" + MODEL).input("Hello").build())) {
      events = stream.stream().peek(accumulator::accumulate).toList();
    }
    assertThat(events.get(0).isCreated()).isTrue();
    assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
    assertThat(accumulator.response().output().get(0).asMessage().content().get(0).asOutputText().text())
        .isEqualTo("Hallo!");
    assertThat(accumulator.response().usage().orElseThrow().inputTokens()).isEqualTo(6);
  }

  @Test
  void nativeErrorsKeepStatusAndRetryAfter() throws Exception {
    rig.upstream.on("POST", GENERATE, RecordingUpstream.json(429,
        GeminiWire.error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
        Map.of("retry-after", "20")));
    assertThatThrownBy(() -> rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini:" + MODEL).addUserMessage("Hi").build()))
        .isInstanceOf(RateLimitException.class).hasMessageContaining("exhausted");
    HttpResponse<String> raw = rig.post("/chat/completions",
        "{\"model\":\"gemini:" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(raw.statusCode()).isEqualTo(429);
    assertThat(raw.headers().firstValue("retry-after")).hasValue("20");
  }

  @Test
  void modelsDropTheModelsPrefix() {
    rig.upstream.on("GET", "/gemini/v1beta/models", RecordingUpstream.json(200,
        GeminiWire.models("gemini-2.5-pro", "gemini-2.5-flash")));

    assertThat(rig.client.models().list().autoPager().stream().map(Model::id).toList())
        .containsExactly("gemini:gemini-2.5-flash", "gemini:gemini-2.5-pro");
  }
}
