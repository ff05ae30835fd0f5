package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.StopReason;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicStreamGateTest {

  private static String[] ev(String name, String data) {
    return new String[] {name, data};
  }

  private static final String[] MESSAGE_START = ev("message_start", "{\"type\":\"message_start\",\"message\":"
      + "{\"id\":\"msg_014p7gG3wDgGV9EUtLvnow3U\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
      + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":472,\"output_tokens\":2},\"content\":[],\"stop_reason\":null}}");
  private static final String[] PING = ev("ping", "{\"type\": \"ping\"}");
  private static final String[] MESSAGE_STOP = ev("message_stop", "{\"type\":\"message_stop\"}");

  private static String[] textStart(int index) {
    return ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
        + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
  }

  private static String[] textDelta(int index, String text) {
    return ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
        + ",\"delta\":{\"type\":\"text_delta\",\"text\":" + quote(text) + "}}");
  }

  private static String[] stop(int index) {
    return ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
  }

  private static String[] toolStart(int index, String id, String name) {
    return ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
        + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"input\":{}}}");
  }

  private static String[] inputDelta(int index, String partialJson) {
    return ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
        + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + quote(partialJson) + "}}");
  }

  private static String[] messageDelta(String stopReason) {
    return ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
        + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}");
  }

  /** Text, then one tool_use block whose input arrives in pieces (one of them empty, as Anthropic sends). */
  private static List<String[]> oneCall(String id, String name, String... fragments) {
    List<String[]> events = new ArrayList<>(List.of(MESSAGE_START, textStart(0), PING, textDelta(0, "Let me "),
        textDelta(0, "check."), stop(0), toolStart(1, id, name)));
    for (String fragment : fragments) {
      events.add(inputDelta(1, fragment));
    }
    events.addAll(List.of(stop(1), messageDelta("tool_use"), MESSAGE_STOP));
    return events;
  }

  private static final List<String[]> DELETE_CALL = oneCall("toolu_01D7FLrfh4GYq7yT1ULFeyMV", "delete_repository",
      "", "{\"repo\": \"acme/", "payroll\"}");
  private static final List<String[]> WEATHER_CALL = oneCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather",
      "", "{\"location\": \"San Fra", "ncisco, CA\"}");

  private static List<String[]> twoCalls(String first, String second) {
    return List.of(MESSAGE_START, textStart(0), textDelta(0, "Two things."), stop(0),
        toolStart(1, "toolu_first", first), inputDelta(1, inputOf(first)), stop(1),
        toolStart(2, "toolu_second", second), inputDelta(2, inputOf(second)), stop(2),
        messageDelta("tool_use"), MESSAGE_STOP);
  }

  private static String inputOf(String tool) {
    return tool.equals("delete_repository") ? "{\"repo\": \"acme/payroll\"}" : "{\"location\": \"Paris\"}";
  }

  private static AnthropicStreamGate blockingDelete() {
    return new AnthropicStreamGate(RecordingJudge.blocking("delete_repository"));
  }

  @Test
  void anAllowedCallPassesByteForByte() {
    String stream = GateRun.namedEvents(WEATHER_CALL);
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    AnthropicStreamGate gate = new AnthropicStreamGate(judge);

    assertThat(GateRun.whole(gate, stream)).isEqualTo(stream);
    assertThat(gate.blockedCalls()).isZero();
    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("get_weather", "{\"location\": \"San Francisco, CA\"}"));
    assertThat(GateRun.sameAtEverySplit(() -> new AnthropicStreamGate(judge), stream)).isEqualTo(stream);
    Message read = OfficialSdks.anthropicStream(stream).message();
    assertThat(read.content().get(1).asToolUse().name()).isEqualTo("get_weather");
  }

  @Test
  void aBlockedCallBecomesATextBlockAndTheTurnEnds() {
    String stream = GateRun.namedEvents(DELETE_CALL);
    AnthropicStreamGate gate = blockingDelete();

    String out = GateRun.whole(gate, stream);

    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertNothingOfTheBlockedCall(out);
    Message read = OfficialSdks.anthropicStream(out).message();
    assertThat(read.stopReason()).contains(StopReason.END_TURN);
    assertThat(read.content()).hasSize(2).allSatisfy(block -> assertThat(block.isText()).isTrue());
    assertThat(read.content().get(0).asText().text()).isEqualTo("Let me check.");
    assertThat(read.content().get(1).asText().text()).isEqualTo(RecordingJudge.MESSAGE).contains(RecordingJudge.RULE);
    assertThat(read.usage().outputTokens()).isEqualTo(89);
    assertThat(GateRun.sameAtEverySplit(AnthropicStreamGateTest::blockingDelete, stream)).isEqualTo(out);
  }

  @Test
  void ofTwoParallelCallsTheAllowedOneStaysAndSoDoesTheToolStopReason() {
    for (boolean blockFirst : new boolean[] {true, false}) {
      List<String[]> events = blockFirst ? twoCalls("delete_repository", "get_weather") : twoCalls("get_weather", "delete_repository");
      String stream = GateRun.namedEvents(events);

      String out = GateRun.whole(blockingDelete(), stream);

      assertThat(out).doesNotContain("delete_repository", "acme", blockFirst ? "toolu_first" : "toolu_second");
      Message read = OfficialSdks.anthropicStream(out).message();
      assertThat(read.stopReason()).contains(StopReason.TOOL_USE);
      List<ContentBlock> content = read.content();
      assertThat(content).hasSize(3);
      ContentBlock blocked = content.get(blockFirst ? 1 : 2);
      ContentBlock allowed = content.get(blockFirst ? 2 : 1);
      assertThat(blocked.asText().text()).isEqualTo(RecordingJudge.MESSAGE);
      assertThat(allowed.asToolUse().name()).isEqualTo("get_weather");
      assertThat(allowed.asToolUse()._input().toString()).contains("Paris");
      assertThat(GateRun.sameAtEverySplit(AnthropicStreamGateTest::blockingDelete, stream)).isEqualTo(out);
    }
  }

  @Test
  void textGoesOnAtOnceWhileACallIsHeld() {
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    AnthropicStreamGate gate = new AnthropicStreamGate(judge);
    List<String[]> events = WEATHER_CALL;
    Buffer out = Buffer.buffer();
    List<String> after = new ArrayList<>();
    List<Integer> judgedAfter = new ArrayList<>();
    for (String[] event : events) {
      gate.accept(Buffer.buffer(GateRun.namedEvents(List.<String[]>of(event))), out::appendBuffer);
      after.add(out.toString(StandardCharsets.UTF_8));
      judgedAfter.add(judge.judged.size());
    }
    int toolStart = 6;
    int toolStop = events.size() - 3;

    // Everything before the tool_use block went on as it came, each event at once.
    for (int i = 0; i < toolStart; i++) {
      assertThat(after.get(i)).isEqualTo(GateRun.namedEvents(events.subList(0, i + 1)));
    }
    // The block is held until its stop...
    for (int i = toolStart; i < toolStop; i++) {
      assertThat(after.get(i)).isEqualTo(after.get(toolStart - 1));
      assertThat(judgedAfter.get(i)).isZero();
    }
    // ...then judged and released whole.
    assertThat(after.get(toolStop)).isEqualTo(GateRun.namedEvents(events.subList(0, toolStop + 1)));
    assertThat(judgedAfter.get(toolStop)).isEqualTo(1);
  }

  @Test
  void thinkingServerToolsAndPingsAreNeverHeld() {
    List<String[]> events = List.of(MESSAGE_START,
        ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}"),
        ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Hmm\"}}"),
        ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM\"}}"),
        stop(0), PING,
        ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_014hJH82Qum7Td6UV8gDXThB\",\"name\":\"web_search\",\"input\":{}}}"),
        inputDelta(1, "{\"query\": \"weather\"}"), stop(1), messageDelta("end_turn"), MESSAGE_STOP);
    AnthropicStreamGate gate = new AnthropicStreamGate(RecordingJudge.blocking("web_search"));
    for (String[] event : events) {
      List<Buffer> out = new ArrayList<>();
      Buffer bytes = Buffer.buffer(GateRun.namedEvents(List.<String[]>of(event)));
      gate.accept(bytes, out::add);
      assertThat(out).as(event[0]).containsExactly(bytes);
    }
  }

  @Test
  void aStreamCutMidCallIsJudgedByNameAtTheEnd() {
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    AnthropicStreamGate gate = new AnthropicStreamGate(judge);

    String out = GateRun.whole(gate, GateRun.namedEvents(DELETE_CALL.subList(0, 9)));

    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("delete_repository", "{}"));
    assertNothingOfTheBlockedCall(out);
    // The text block that took the call's place is closed, so an SDK can read it.
    assertThat(GateRun.events(out)).extracting(e -> e.event()).endsWith("content_block_start", "content_block_delta",
        "content_block_stop");

    String allowed = GateRun.namedEvents(WEATHER_CALL.subList(0, 9));
    assertThat(GateRun.whole(new AnthropicStreamGate(judge), allowed)).isEqualTo(allowed);
  }

  @Test
  void aCallThatOutgrowsTheBoundIsJudgedOnWhatArrived() {
    List<String[]> events = new ArrayList<>(List.of(MESSAGE_START, toolStart(0, "toolu_big", "get_weather"),
        inputDelta(0, "{\"location\": \"")));
    for (int i = 0; i < 20; i++) {
      events.add(inputDelta(0, "Paris"));
    }
    events.addAll(List.of(inputDelta(0, "\"}"), stop(0), messageDelta("tool_use"), MESSAGE_STOP));
    int bound = 4 * GateRun.namedEvents(List.<String[]>of(events.get(3))).length();

    RecordingJudge allow = RecordingJudge.blocking("delete_repository");
    AnthropicStreamGate gate = new AnthropicStreamGate(allow, bound);
    Buffer out = Buffer.buffer();
    gate.accept(Buffer.buffer(GateRun.namedEvents(events.subList(0, 8))), out::appendBuffer);
    assertThat(out.toString()).isEqualTo(GateRun.namedEvents(events.subList(0, 8)));
    assertThat(allow.judged).containsExactly(new RecordingJudge.Judged("get_weather", "{}"));

    String blockedStream = GateRun.namedEvents(events).replace("get_weather", "delete_repository");
    String blockedOut = GateRun.whole(new AnthropicStreamGate(RecordingJudge.blocking("delete_repository"), bound), blockedStream);
    assertThat(blockedOut).doesNotContain("delete_repository", "Paris", "toolu_big");
    Message read = OfficialSdks.anthropicStream(blockedOut).message();
    assertThat(read.stopReason()).contains(StopReason.END_TURN);
    assertThat(read.content()).singleElement().satisfies(b -> assertThat(b.asText().text()).isEqualTo(RecordingJudge.MESSAGE));
  }

  @Test
  void junkPassesWithoutHarm() {
    String junk = ": keep-alive\n\ndata: not json\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\"}\n\n"
        + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":\"x\"}\n\n"
        + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"
        + "event: future_event\ndata: {\"type\":\"future_event\",\"index\":1}\n\n";
    String stream = junk + GateRun.namedEvents(WEATHER_CALL);

    assertThat(GateRun.whole(blockingDelete(), stream)).isEqualTo(stream);

    String odd = GateRun.namedEvents(List.of(MESSAGE_START, ev("content_block_start",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_odd\","
            + "\"name\":\"delete_repository\",\"input\":\"acme/payroll\"}}"), stop(0), messageDelta("tool_use"), MESSAGE_STOP));
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    String out = GateRun.whole(new AnthropicStreamGate(judge), odd);
    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("delete_repository", "{}"));
    assertNothingOfTheBlockedCall(out);
  }

  @Test
  void lineEndsOtherThanLfAreKept() {
    String crlf = GateRun.namedEvents(DELETE_CALL).replace("\n", "\r\n");
    String out = GateRun.sameAtEverySplit(AnthropicStreamGateTest::blockingDelete, crlf);
    assertThat(out.replace("\r\n", "")).doesNotContain("\n");
    assertThat(OfficialSdks.anthropicStream(out).message().content().get(1).asText().text())
        .isEqualTo(RecordingJudge.MESSAGE);
  }

  private static void assertNothingOfTheBlockedCall(String out) {
    assertThat(out).doesNotContain("delete_repository", "acme", "payroll", "toolu_01D7FLrfh4GYq7yT1ULFeyMV", "toolu_odd", "repo");
  }

  private static String quote(String text) {
    String array = new JsonArray().add(text).encode();
    return array.substring(1, array.length() - 1);
  }
}
