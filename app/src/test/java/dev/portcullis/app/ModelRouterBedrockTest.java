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
import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.InferenceProfilesFake;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bedrock:} models through the model router: openai-java against a recording Bedrock
 * Converse upstream (Bedrock API key as bearer), checking both the OpenAI objects and the native
 * requests, with streams in AWS event-stream framing split at awkward byte boundaries.
 */
class ModelRouterBedrockTest {

  private static final String KEY = "bedrock-api-key-stored-0123456789";
  private static final String MODEL = "amazon.nova-pro-v1:0";
  private static final String CONVERSE = "/bedrock/model/amazon.nova-pro-v1%3A0/converse";
  private static final String CONVERSE_STREAM = CONVERSE + "-stream";
  private static RouterRig rig;

  @BeforeAll
  static void start() {
    rig = new RouterRig("bedrock", KEY, Map.of("ARCHESTRA_BEDROCK_BASE_URL", "/bedrock"));
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
    return rig.lastUpstreamCall(path, "Authorization", "Bearer " + KEY).json();
  }

  @Test
  void plainChatWithASystemPrompt() {
    rig.upstream.on("POST", CONVERSE, RecordingUpstream.json(200, BedrockWire.converse("Hello!", 10, 2),
        Map.of("x-amzn-RequestId", "req-bedrock-1")));

    ChatCompletion completion = rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("bedrock:" + MODEL).addSystemMessage("Be brief.").addUserMessage("Say hello").temperature(0.5)
        .stop("END").maxCompletionTokens(100).build());

    assertThat(completion.choices().get(0).message().content()).hasValue("Hello!");
    assertThat(completion.id()).isEqualTo("req-bedrock-1");
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(10);
    JsonObject body = received(CONVERSE);
    assertThat(body.containsKey("modelId")).isFalse();
    assertThat(body.getJsonArray("system").getJsonObject(0).getString("text")).isEqualTo("Be brief.");
    JsonObject user = body.getJsonArray("messages").getJsonObject(0);
    assertThat(user.getString("role")).isEqualTo("user");
    assertThat(user.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("Say hello");
    JsonObject config = body.getJsonObject("inferenceConfig");
    assertThat(config.getDouble("temperature")).isEqualTo(0.5);
    assertThat(config.getJsonArray("stopSequences")).containsExactly("END");
    assertThat(config.getInteger("maxTokens")).isEqualTo(100);
  }

  @Test
  void multiTurnToolCallAndItsResult() {
    rig.upstream.on("POST", CONVERSE, RecordingUpstream.json(200,
        BedrockWire.converseToolUse("tooluse_abc", "get_weather", new JsonObject().put("city", "Paris"), 20, 5)));
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("bedrock:" + MODEL)
        .addUserMessage("Weather in Paris?").addTool(RouterFixtures.weatherTool());

    ChatCompletion first = rig.client.chat().completions().create(params.build());

    ChatCompletionMessageToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.asFunction().id()).isEqualTo("tooluse_abc");
    assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(new JsonObject(call.asFunction().function().arguments())).isEqualTo(new JsonObject().put("city", "Paris"));
    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    JsonObject spec = received(CONVERSE).getJsonObject("toolConfig").getJsonArray("tools").getJsonObject(0)
        .getJsonObject("toolSpec");
    assertThat(spec.getString("name")).isEqualTo("get_weather");
    assertThat(spec.getJsonObject("inputSchema").getJsonObject("json").getString("type")).isEqualTo("object");

    rig.upstream.on("POST", CONVERSE, RecordingUpstream.json(200, BedrockWire.converse("Sunny.", 40, 2)));
    ChatCompletion second = rig.client.chat().completions().create(params
        .addMessage(first.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("tooluse_abc").content("sunny").build())
        .build());

    assertThat(second.choices().get(0).message().content()).hasValue("Sunny.");
    JsonArray messages = received(CONVERSE).getJsonArray("messages");
    assertThat(messages).hasSize(3);
    JsonObject toolUse = messages.getJsonObject(1).getJsonArray("content").stream().map(JsonObject.class::cast)
        .filter(b -> b.containsKey("toolUse")).findFirst().orElseThrow().getJsonObject("toolUse");
    assertThat(toolUse.getString("toolUseId")).isEqualTo("tooluse_abc");
    assertThat(toolUse.getJsonObject("input")).isEqualTo(new JsonObject().put("city", "Paris"));
    JsonObject result = messages.getJsonObject(2).getJsonArray("content").getJsonObject(0).getJsonObject("toolResult");
    assertThat(messages.getJsonObject(2).getString("role")).isEqualTo("user");
    assertThat(result.getString("toolUseId")).isEqualTo("tooluse_abc");
    assertThat(result.getJsonArray("content").encode()).contains("sunny");
  }

  @Test
  void eventStreamsWithTextUsageAndToolArgumentDeltas() {
    Buffer text = BedrockWire.concat(BedrockWire.textStreamFrames(List.of("Hel", "lo!"), 9, 4));
    // Pieces of 7 and 300 bytes: frames split across reads and several frames in one read.
    rig.upstream.on("POST", CONVERSE_STREAM, BedrockWire.eventStream(text, 2, 7, 300));
    ChatCompletionAccumulator accumulated = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("bedrock:" + MODEL).addUserMessage("Hi")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      chunks = stream.stream().peek(accumulated::accumulate).toList();
    }
    assertThat(accumulated.chatCompletion().choices().get(0).message().content()).hasValue("Hello!");
    assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().promptTokens()).isEqualTo(9);
    assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isEqualTo(4);
    received(CONVERSE_STREAM);

    Buffer tool = BedrockWire.concat(BedrockWire.toolUseStreamFrames("tooluse_s1", "get_weather",
        List.of("{\"city\":", "\"Paris\"}"), 30, 8));
    rig.upstream.on("POST", CONVERSE_STREAM, BedrockWire.eventStream(tool, 0, 50));
    ChatCompletionAccumulator tools = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> toolChunks;
    try (StreamResponse<ChatCompletionChunk> stream = rig.client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("bedrock:" + MODEL).addUserMessage("Weather?")
            .addTool(RouterFixtures.weatherTool()).build())) {
      toolChunks = stream.stream().peek(tools::accumulate).toList();
    }
    ChatCompletionMessageToolCall call = tools.chatCompletion().choices().get(0).message().toolCalls().orElseThrow()
        .get(0);
    assertThat(call.asFunction().id()).isEqualTo("tooluse_s1");
    assertThat(call.asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    List<String> argumentDeltas = new ArrayList<>();
    toolChunks.forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().toolCalls().ifPresent(calls ->
        calls.forEach(c -> c.function().flatMap(f -> f.arguments()).filter(a -> !a.isEmpty())
            .ifPresent(argumentDeltas::add)))));
    assertThat(argumentDeltas).containsExactly("{\"city\":", "\"Paris\"}");
  }

  @Test
  void imagesGoAsBytes() {
    rig.upstream.on("POST", CONVERSE, RecordingUpstream.json(200, BedrockWire.converse("A dot.", 30, 3)));

    rig.client.chat().completions().create(ChatCompletionCreateParams.builder().model("bedrock:" + MODEL)
        .addUserMessageOfArrayOfContentParts(RouterFixtures.textAndImage("What is this?", RouterFixtures.PNG_DATA_URL))
        .build());

    JsonArray content = received(CONVERSE).getJsonArray("messages").getJsonObject(0).getJsonArray("content");
    assertThat(content.getJsonObject(0).getString("text")).isEqualTo("What is this?");
    JsonObject image = content.getJsonObject(1).getJsonObject("image");
    assertThat(image.getString("format")).isEqualTo("png");
    assertThat(image.getJsonObject("source").getString("bytes")).isEqualTo(RouterFixtures.PNG_BASE64);
  }

  @Test
  void responsesApiWholeAndStreamed() {
    rig.upstream.on("POST", CONVERSE, RecordingUpstream.json(200, BedrockWire.converse("Ciao!", 6, 2)));
    Response response = rig.client.responses().create(ResponseCreateParams.builder().model("bedrock:" + MODEL)
        .instructions("Answer in Italian.").input("Hello").build());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Ciao!");
    assertThat(received(CONVERSE).getJsonArray("system").getJsonObject(0).getString("text"))
        .isEqualTo("Answer in Italian.");

    Buffer text = BedrockWire.concat(BedrockWire.textStreamFrames(List.of("Ci", "ao!"), 6, 2));
    rig.upstream.on("POST", CONVERSE_STREAM, BedrockWire.eventStream(text, 0, 64));
    ResponseAccumulator accumulator = ResponseAccumulator.create();
    List<ResponseStreamEvent> events;
    try (StreamResponse<ResponseStreamEvent> stream = rig.client.responses().createStreaming(
        ResponseCreateParams.builder().model("bedrock:" + MODEL).input("Hello").build())) {
      events = stream.stream().peek(accumulator::accumulate).toList();
    }
    assertThat(events.get(0).isCreated()).isTrue();
    assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
    assertThat(accumulator.response().output().get(0).asMessage().content().get(0).asOutputText().text())
        .isEqualTo("Ciao!");
    assertThat(accumulator.response().usage().orElseThrow().outputTokens()).isEqualTo(2);
  }

  @Test
  void nativeErrorsAndAMidStreamExceptionBecomeOpenAiErrors() throws Exception {
    rig.upstream.on("POST", CONVERSE, BedrockWire.error(429, "ThrottlingException", "Too many requests"));
    assertThatThrownBy(() -> rig.client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("bedrock:" + MODEL).addUserMessage("Hi").build()))
        .isInstanceOf(RateLimitException.class).hasMessageContaining("Too many requests");

    List<Buffer> frames = new ArrayList<>(BedrockWire.textStreamFrames(List.of("Partial"), 1, 1).subList(0, 2));
    frames.add(BedrockWire.exception("throttlingException", "Slow down mid-stream"));
    rig.upstream.on("POST", CONVERSE_STREAM, BedrockWire.eventStream(BedrockWire.concat(frames), 0, 1000));
    HttpResponse<String> raw = rig.post("/chat/completions",
        "{\"model\":\"bedrock:" + MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body()).contains("Partial").doesNotContain("[DONE]");
    String last = raw.body().trim().substring(raw.body().trim().lastIndexOf("data: ") + 6);
    assertThat(new JsonObject(last).getJsonObject("error").getString("message")).contains("Slow down mid-stream");
  }

  @Test
  void modelsComeFromInferenceProfiles() {
    rig.upstream.on("GET", "/bedrock/inference-profiles", new InferenceProfilesFake(List.of(
        InferenceProfilesFake.profile("us.anthropic.claude-sonnet-4-5", "ACTIVE"),
        InferenceProfilesFake.profile("us.amazon.nova-pro-v1:0", "ACTIVE")), 10));

    List<String> ids = rig.client.models().list().autoPager().stream().map(Model::id).toList();
    assertThat(ids).isNotEmpty().allMatch(id -> id.startsWith("bedrock:us."));
    assertThat(ids).isSorted();
  }
}
