package dev.portcullis.policy.answer;

import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.BLOCKED_TOOL;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.MESSAGE;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.blocking;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.concat;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.run;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.sameAtEverySplit;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.stream.eventstream.EventStreamDecoder;
import dev.portcullis.common.stream.eventstream.EventStreamEncoder;
import dev.portcullis.common.stream.eventstream.EventStreamFrame;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.RecordingJudge;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

class BedrockConverseStreamGateTest {

  private static final String SECRET_INPUT = "{\"path\":\"/srv/SECRET-PATH\"}";

  private static Vertx vertx;
  private static HttpServer server;
  private static volatile Buffer served;
  private static BedrockRuntimeAsyncClient sdk;

  @BeforeAll
  static void startServer() {
    vertx = Vertx.vertx();
    // Serves whatever the test last put in `served`, as Bedrock serves a ConverseStream answer.
    server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body ->
        request.response().putHeader("content-type", "application/vnd.amazon.eventstream")
            .putHeader("x-amzn-requestid", "c1b1b0a4-0000-4000-8000-000000000001").end(served)))
        .listen(0, "127.0.0.1").await();
    sdk = BedrockRuntimeAsyncClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.actualPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(NettyNioAsyncHttpClient.builder().build())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterAll
  static void stopServer() {
    sdk.close();
    server.close().await();
    vertx.close().await();
  }

  /** What a client makes of the frames: text and tool calls by block index, and the stop reason. */
  private record Answer(Map<Integer, String> text, Map<Integer, String> toolUses, String stopReason, int inputTokens) {}

  /** Decodes every frame (CRCs checked), checks its headers and payload shape, and builds the answer. */
  private static Answer decode(Buffer out) {
    List<EventStreamFrame> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frames::add);
    decoder.feed(out);
    decoder.end();
    Map<Integer, StringBuilder> text = new TreeMap<>();
    Map<Integer, StringBuilder> toolUses = new TreeMap<>();
    String stopReason = null;
    int inputTokens = -1;
    Set<Integer> open = new HashSet<>();
    Set<Integer> stopped = new HashSet<>();
    for (EventStreamFrame frame : frames) {
      EventStreamMessage message = frame.message();
      assertThat(message.messageType()).isEqualTo("event");
      assertThat(message.contentType()).isEqualTo("application/json");
      JsonObject payload = new JsonObject(message.payload());
      switch (message.eventType()) {
        case "contentBlockStart" -> {
          JsonObject toolUse = payload.getJsonObject("start").getJsonObject("toolUse");
          toolUses.put(payload.getInteger("contentBlockIndex"), new StringBuilder(toolUse.getString("name") + " "));
          assertThat(open.add(payload.getInteger("contentBlockIndex"))).isTrue();
        }
        case "contentBlockDelta" -> {
          int index = payload.getInteger("contentBlockIndex");
          assertThat(stopped).as("no delta after the block's stop").doesNotContain(index);
          open.add(index);
          JsonObject delta = payload.getJsonObject("delta");
          assertThat(delta.fieldNames()).hasSize(1);
          if (delta.containsKey("text")) {
            assertThat(toolUses).doesNotContainKey(index);
            text.computeIfAbsent(index, i -> new StringBuilder()).append(delta.getString("text"));
          } else {
            toolUses.get(index).append(delta.getJsonObject("toolUse").getString("input"));
          }
        }
        case "contentBlockStop" -> {
          assertThat(open.remove(payload.getInteger("contentBlockIndex"))).as("a stop closes an open block").isTrue();
          stopped.add(payload.getInteger("contentBlockIndex"));
        }
        case "messageStop" -> {
          assertThat(open).as("every block stopped before messageStop").isEmpty();
          stopReason = payload.getString("stopReason");
        }
        case "metadata" -> inputTokens = payload.getJsonObject("usage").getInteger("inputTokens");
        case "messageStart" -> assertThat(payload.getString("role")).isEqualTo("assistant");
        default -> throw new AssertionError("unexpected event " + message.eventType());
      }
    }
    Map<Integer, String> texts = new TreeMap<>();
    text.forEach((i, t) -> texts.put(i, t.toString()));
    Map<Integer, String> calls = new TreeMap<>();
    toolUses.forEach((i, t) -> calls.put(i, t.toString()));
    return new Answer(texts, calls, stopReason, inputTokens);
  }

  /** The same answer as the AWS SDK v2 reads it from an HTTP ConverseStream response of these bytes. */
  private static Answer throughTheSdk(Buffer out) {
    served = out;
    Map<Integer, StringBuilder> text = new TreeMap<>();
    Map<Integer, StringBuilder> toolUses = new TreeMap<>();
    String[] stopReason = new String[1];
    int[] inputTokens = {-1};
    List<String> unknown = new ArrayList<>();
    ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
            .onMessageStart(start -> assertThat(start.roleAsString()).isEqualTo("assistant"))
            .onContentBlockStop(stop -> assertThat(stop.contentBlockIndex()).isNotNull())
            .onContentBlockStart(start -> toolUses.put(start.contentBlockIndex(),
                new StringBuilder(start.start().toolUse().name() + " ")))
            .onContentBlockDelta(delta -> {
              if (delta.delta().text() != null) {
                text.computeIfAbsent(delta.contentBlockIndex(), i -> new StringBuilder()).append(delta.delta().text());
              } else {
                toolUses.get(delta.contentBlockIndex()).append(delta.delta().toolUse().input());
              }
            })
            .onMessageStop(stop -> stopReason[0] = stop.stopReasonAsString())
            .onMetadata(metadata -> inputTokens[0] = metadata.usage().inputTokens())
            .onDefault(event -> unknown.add(String.valueOf(event)))
            .build())
        .build();
    sdk.converseStream(ConverseStreamRequest.builder().modelId("anthropic.claude-3-5-sonnet-20240620-v1:0")
        .messages(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Hi")).build())
        .build(), handler).join();
    assertThat(unknown).isEmpty();
    Map<Integer, String> texts = new TreeMap<>();
    text.forEach((i, t) -> texts.put(i, t.toString()));
    Map<Integer, String> calls = new TreeMap<>();
    toolUses.forEach((i, t) -> calls.put(i, t.toString()));
    return new Answer(texts, calls, stopReason[0], inputTokens[0]);
  }

  private static BedrockStreamFixture textThenBlockedCall() {
    return BedrockStreamFixture.begin().text("I will ", "clean up.")
        .toolUse("tooluse_SECRETID", BLOCKED_TOOL, "{\"path\":", "\"/srv/SECRET-PATH\"}").stop("tool_use");
  }

  @Test
  void anAllowedCallPassesByteForByte() {
    BedrockStreamFixture fixture = BedrockStreamFixture.begin().text("Checking.")
        .toolUse("tooluse_1", "get_weather", "{\"city\":", "\"Paris\"}").stop("tool_use");
    RecordingJudge judge = blocking();
    BedrockConverseStreamGate gate = new BedrockConverseStreamGate(judge);

    Buffer out = run(gate, fixture.frames());

    assertThat(out).isEqualTo(fixture.body());
    assertThat(gate.blockedCalls()).isZero();
    assertThat(judge.asked).containsExactly(List.of("get_weather", "{\"city\":\"Paris\"}"));
    assertThat(throughTheSdk(out).toolUses()).containsExactly(Map.entry(1, "get_weather {\"city\":\"Paris\"}"));
  }

  @Test
  void aBlockedCallBecomesATextBlockAndTheAnswerAnEndedTurn() {
    RecordingJudge judge = blocking();
    BedrockConverseStreamGate gate = new BedrockConverseStreamGate(judge);

    Buffer out = run(gate, textThenBlockedCall().frames());

    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, SECRET_INPUT));
    Answer expected = new Answer(Map.of(0, "I will clean up.", 1, MESSAGE), Map.of(), "end_turn", 412);
    assertThat(decode(out)).isEqualTo(expected);
    assertThat(throughTheSdk(out)).isEqualTo(expected);
  }

  @Test
  void nothingOfABlockedCallReachesTheClient() {
    Buffer out = run(new BedrockConverseStreamGate(blocking()), textThenBlockedCall().frames());

    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "SECRET", "toolUse", "tool_use");
  }

  @Test
  void ofTwoParallelCallsOnlyTheBlockedOneIsReplacedAndTheAnswerStillUsesATool() {
    BedrockStreamFixture fixture = BedrockStreamFixture.begin()
        .toolUse("tooluse_1", "get_weather", "{\"city\":\"Paris\"}")
        .toolUse("tooluse_SECRETID", BLOCKED_TOOL, SECRET_INPUT).stop("tool_use");
    BedrockConverseStreamGate gate = new BedrockConverseStreamGate(blocking());

    Buffer out = run(gate, fixture.frames());

    Answer expected = new Answer(Map.of(1, MESSAGE), Map.of(0, "get_weather {\"city\":\"Paris\"}"), "tool_use", 412);
    assertThat(decode(out)).isEqualTo(expected);
    assertThat(throughTheSdk(out)).isEqualTo(expected);
    assertThat(text(out)).startsWith(text(concat(fixture.frames().subList(0, 4))));
    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void textGoesOutAtOnceWhileTheCallAfterItIsHeldUntilItsStop() {
    List<Buffer> frames = textThenBlockedCall().frames();
    BedrockConverseStreamGate gate = new BedrockConverseStreamGate(blocking());
    Buffer out = Buffer.buffer();
    for (int i = 0; i < 4; i++) {
      gate.accept(frames.get(i), out::appendBuffer);
      assertThat(out).as("frame %d goes on at once", i).isEqualTo(concat(frames.subList(0, i + 1)));
    }
    int before = out.length();
    for (int i = 4; i < 7; i++) {
      gate.accept(frames.get(i), out::appendBuffer);
      assertThat(out.length()).as("call frame %d is held", i).isEqualTo(before);
    }
    gate.accept(frames.get(7), out::appendBuffer);
    assertThat(text(out.getBuffer(before, out.length()))).contains(MESSAGE).doesNotContain(BLOCKED_TOOL);
  }

  @Test
  void everySplitOfTheStreamGivesTheSameOutput() {
    BedrockStreamFixture fixture = BedrockStreamFixture.begin().text("One, ", "two.")
        .toolUse("tooluse_1", "get_weather", "{\"city\":", "\"Paris\"}")
        .toolUse("tooluse_2", BLOCKED_TOOL, "{}").stop("tool_use");

    Buffer out = sameAtEverySplit(fixture.body(), () -> new BedrockConverseStreamGate(blocking()));

    assertThat(decode(out).text()).containsEntry(2, MESSAGE);
  }

  @Test
  void aCallCutOffByTheEndOfTheStreamIsJudgedByItsName() {
    List<Buffer> frames = textThenBlockedCall().frames();
    RecordingJudge judge = blocking();
    BedrockConverseStreamGate gate = new BedrockConverseStreamGate(judge);
    Buffer cut = concat(frames.subList(0, 5));
    cut.appendBuffer(frames.get(5).getBuffer(0, 60));

    Buffer out = run(gate, List.of(cut));

    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, "{}"));
    assertThat(decode(out).text()).containsEntry(1, MESSAGE);
    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void aCallHeldPastTheLimitIsJudgedOnWhatArrived() {
    String big = "\"" + "a".repeat(ResponsesCohereBedrockCalls.HOLD_LIMIT / 4) + "\"";
    List<Buffer> frames = BedrockStreamFixture.begin()
        .toolUse("tooluse_1", BLOCKED_TOOL, "{\"blob\":[", big + ",", big + ",", big + ",", big + ",", big + "]}")
        .stop("tool_use").frames();
    RecordingJudge judge = blocking();
    BedrockConverseStreamGate gate = new BedrockConverseStreamGate(judge);
    Buffer out = Buffer.buffer();

    int sent = 0;
    while (judge.asked.isEmpty()) {
      gate.accept(frames.get(sent++), out::appendBuffer);
    }

    assertThat(sent).isLessThan(frames.size() - 3);
    assertThat(judge.asked.get(0).get(1)).startsWith("{\"blob\":[\"aaa");
    frames.subList(sent, frames.size()).forEach(f -> gate.accept(f, out::appendBuffer));
    gate.end(out::appendBuffer);
    assertThat(judge.asked).hasSize(1);
    assertThat(decode(out)).isEqualTo(new Answer(Map.of(0, MESSAGE), Map.of(), "end_turn", 412));
  }

  @Test
  void anExceptionFrameEndsTheHoldAndGoesOn() {
    List<Buffer> frames = textThenBlockedCall().frames();
    Buffer exception = EventStreamEncoder.encode(EventStreamMessage.exception(
        "modelStreamErrorException", new JsonObject().put("message", "Model stream error").toBuffer()));

    Buffer out = run(new BedrockConverseStreamGate(blocking()), List.of(concat(frames.subList(0, 6)), exception));

    assertThat(text(out)).contains(MESSAGE).doesNotContain(BLOCKED_TOOL);
    assertThat(text(out)).endsWith(text(exception));
  }

  @Test
  void withoutABlockingRuleNothingIsHeldOrRead() {
    BedrockConverseStreamGate gate = new BedrockConverseStreamGate(ToolCallJudge.ALLOW_ALL);
    Buffer half = textThenBlockedCall().frames().get(4).getBuffer(0, 30);
    List<Buffer> out = new ArrayList<>();

    gate.accept(half, out::add);
    gate.end(out::add);

    assertThat(out).hasSize(1);
    assertThat(out.get(0)).isSameAs(half);
  }

  @Test
  void bytesThatAreNoEventStreamPassAsTheyCame() {
    for (String junk : List.of("{\"message\":\"The security token included in the request is invalid.\"}", "short",
        "", "\u0000\u0000\u0000\u0010junk-that-is-long-enough")) {
      BedrockConverseStreamGate gate = new BedrockConverseStreamGate(blocking());
      Buffer body = Buffer.buffer(junk);
      assertThat(sameAtEverySplit(body, () -> new BedrockConverseStreamGate(blocking()))).as(junk).isEqualTo(body);
      assertThat(run(gate, List.of(body))).isEqualTo(body);
    }
  }

  @Test
  void aStreamThatTurnsCorruptIsCutThere() {
    List<Buffer> frames = textThenBlockedCall().frames();
    Buffer corrupt = frames.get(5).copy();
    corrupt.setByte(corrupt.length() - 1, (byte) (corrupt.getByte(corrupt.length() - 1) ^ 1));

    Buffer out = run(new BedrockConverseStreamGate(blocking()),
        List.of(concat(frames.subList(0, 5)), corrupt, concat(frames.subList(6, frames.size()))));

    assertThat(text(out)).startsWith(text(concat(frames.subList(0, 4)))).contains(MESSAGE)
        .doesNotContain(BLOCKED_TOOL, "SECRET");
  }
}
