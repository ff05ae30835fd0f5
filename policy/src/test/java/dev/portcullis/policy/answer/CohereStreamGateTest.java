package dev.portcullis.policy.answer;

import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.BLOCKED_TOOL;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.MESSAGE;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.blocking;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.concat;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.run;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.sameAtEverySplit;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.RecordingJudge;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CohereStreamGateTest {

  private static final String SECRET_ARGUMENTS = "{\"path\":\"/srv/SECRET-PATH\"}";

  /**
   * What a Cohere client makes of a stream: the text of each content block, each tool call, the
   * tool plan and the finish reason; checks every event has the documented shape on the way.
   */
  private record Answer(Map<Integer, String> content, Map<Integer, String> calls, String toolPlan, String finishReason) {}

  private static Answer read(Buffer out) {
    Map<Integer, StringBuilder> content = new TreeMap<>();
    Map<Integer, StringBuilder> calls = new TreeMap<>();
    StringBuilder plan = new StringBuilder();
    String finish = null;
    List<Integer> open = new ArrayList<>();
    for (String block : text(out).split("\n\n")) {
      String[] lines = block.split("\n");
      assertThat(lines).hasSize(2);
      assertThat(lines[0]).startsWith("event: ");
      assertThat(lines[1]).startsWith("data: ");
      JsonObject data = new JsonObject(lines[1].substring(6));
      String type = data.getString("type");
      assertThat(lines[0].substring(7)).isEqualTo(type);
      JsonObject message = data.getJsonObject("delta", new JsonObject()).getJsonObject("message", new JsonObject());
      Integer index = data.getInteger("index");
      switch (type) {
        case "content-start" -> {
          assertThat(content).as("content index %d used once", index).doesNotContainKey(index);
          assertThat(message.getJsonObject("content").getString("type")).isEqualTo("text");
          assertThat(message.getJsonObject("content").getString("text")).isEmpty();
          content.put(index, new StringBuilder());
          open.add(index);
        }
        case "content-delta" -> {
          assertThat(open).contains(index);
          content.get(index).append(message.getJsonObject("content").getString("text"));
        }
        case "content-end" -> assertThat(open.remove(index)).isTrue();
        case "tool-plan-delta" -> plan.append(message.getString("tool_plan"));
        case "tool-call-start" -> {
          JsonObject call = message.getJsonObject("tool_calls");
          calls.put(index, new StringBuilder(call.getJsonObject("function").getString("name")).append(' ')
              .append(call.getJsonObject("function").getString("arguments")));
        }
        case "tool-call-delta" -> calls.get(index)
            .append(message.getJsonObject("tool_calls").getJsonObject("function").getString("arguments"));
        case "tool-call-end" -> assertThat(calls).containsKey(index);
        case "message-start" -> { }
        case "message-end" -> finish = data.getJsonObject("delta").getString("finish_reason");
        default -> throw new AssertionError("unexpected event " + type);
      }
    }
    assertThat(open).as("every content block ended").isEmpty();
    Map<Integer, String> texts = new TreeMap<>();
    content.forEach((i, t) -> texts.put(i, t.toString()));
    Map<Integer, String> toolCalls = new TreeMap<>();
    calls.forEach((i, t) -> toolCalls.put(i, t.toString()));
    return new Answer(texts, toolCalls, plan.toString(), finish);
  }

  private static CohereStreamFixture planThenBlockedCall() {
    return CohereStreamFixture.begin().toolPlan("I will ", "clean up.")
        .call(0, "delete_files_SECRETID", BLOCKED_TOOL, "{\"path\":", "\"/srv/SECRET-PATH\"}")
        .end("TOOL_CALL");
  }

  @Test
  void anAllowedCallPassesByteForByte() {
    CohereStreamFixture fixture = CohereStreamFixture.begin().toolPlan("I will look it up.")
        .call(0, "get_weather_1", "get_weather", "{\"city\":", "\"Paris\"}").end("TOOL_CALL");
    RecordingJudge judge = blocking();
    CohereStreamGate gate = new CohereStreamGate(judge);

    assertThat(run(gate, fixture.events())).isEqualTo(fixture.body());
    assertThat(gate.blockedCalls()).isZero();
    assertThat(judge.asked).containsExactly(List.of("get_weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void aBlockedCallBecomesTextAndTheAnswerACompleteOne() {
    RecordingJudge judge = blocking();
    CohereStreamGate gate = new CohereStreamGate(judge);

    Buffer out = run(gate, planThenBlockedCall().events());

    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, SECRET_ARGUMENTS));
    Answer answer = read(out);
    assertThat(answer.content()).containsExactly(Map.entry(0, MESSAGE));
    assertThat(answer.calls()).isEmpty();
    assertThat(answer.toolPlan()).isEqualTo("I will clean up.");
    assertThat(answer.finishReason()).isEqualTo("COMPLETE");
    assertThat(text(out)).contains("event: content-start\ndata: {\"type\":\"content-start\",\"index\":0,"
        + "\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}\n\n");
    // message-end keeps its usage.
    assertThat(text(out)).contains("\"usage\":{\"billed_units\":{\"input_tokens\":37,\"output_tokens\":28}");
  }

  @Test
  void nothingOfABlockedCallReachesTheClient() {
    Buffer out = run(new CohereStreamGate(blocking()), planThenBlockedCall().events());

    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "SECRET", "tool-call", "tool_calls\":{");
  }

  @Test
  void ofTwoParallelCallsOnlyTheBlockedOneIsReplacedAndTheAnswerStillCallsATool() {
    CohereStreamFixture fixture = CohereStreamFixture.begin().toolPlan("Two things.")
        .call(0, "get_weather_1", "get_weather", "{\"city\":\"Paris\"}")
        .call(1, "delete_files_SECRETID", BLOCKED_TOOL, SECRET_ARGUMENTS)
        .end("TOOL_CALL");
    CohereStreamGate gate = new CohereStreamGate(blocking());

    Buffer out = run(gate, fixture.events());

    Answer answer = read(out);
    assertThat(answer.calls()).containsExactly(Map.entry(0, "get_weather {\"city\":\"Paris\"}"));
    assertThat(answer.content()).containsExactly(Map.entry(0, MESSAGE));
    assertThat(answer.finishReason()).isEqualTo("TOOL_CALL");
    assertThat(text(out)).startsWith(text(concat(fixture.events().subList(0, 5))));
    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void theTextBlockTakesAContentIndexTheStreamHasNotUsed() {
    CohereStreamFixture fixture = CohereStreamFixture.begin().text(0, "Hi.").text(1, "Let me clean up.")
        .call(0, "delete_files_SECRETID", BLOCKED_TOOL, "{}").end("TOOL_CALL");

    Answer answer = read(run(new CohereStreamGate(blocking()), fixture.events()));

    assertThat(answer.content()).containsExactly(Map.entry(0, "Hi."), Map.entry(1, "Let me clean up."),
        Map.entry(2, MESSAGE));
  }

  @Test
  void textGoesOutAtOnceWhileTheCallAfterItIsHeldUntilItsEnd() {
    List<Buffer> events = planThenBlockedCall().events();
    CohereStreamGate gate = new CohereStreamGate(blocking());
    Buffer out = Buffer.buffer();
    for (int i = 0; i < 3; i++) {
      gate.accept(events.get(i), out::appendBuffer);
      assertThat(out).as("event %d goes on at once", i).isEqualTo(concat(events.subList(0, i + 1)));
    }
    int before = out.length();
    for (int i = 3; i < 6; i++) {
      gate.accept(events.get(i), out::appendBuffer);
      assertThat(out.length()).as("call event %d is held", i).isEqualTo(before);
    }
    gate.accept(events.get(6), out::appendBuffer);
    assertThat(text(out.getBuffer(before, out.length()))).contains(MESSAGE).doesNotContain(BLOCKED_TOOL);
  }

  @Test
  void everySplitOfTheStreamGivesTheSameOutput() {
    CohereStreamFixture fixture = CohereStreamFixture.begin().toolPlan("Plan: ", "two calls.")
        .call(0, "get_weather_1", "get_weather", "{\"city\":", "\"Paris\"}")
        .call(1, "delete_files_2", BLOCKED_TOOL, "{}").end("TOOL_CALL");

    Buffer out = sameAtEverySplit(fixture.body(), () -> new CohereStreamGate(blocking()));

    assertThat(text(out)).contains(MESSAGE, "get_weather").doesNotContain(BLOCKED_TOOL);
  }

  @Test
  void crlfLineEndsAndACutAtTheEndAreHandled() {
    String body = text(planThenBlockedCall().body()).replace("\n", "\r\n");

    Buffer out = sameAtEverySplit(Buffer.buffer(body), () -> new CohereStreamGate(blocking()));

    assertThat(text(out)).contains(MESSAGE).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void aCallCutOffByTheEndOfTheStreamIsJudgedByItsName() {
    List<Buffer> events = planThenBlockedCall().events();
    RecordingJudge judge = blocking();
    CohereStreamGate gate = new CohereStreamGate(judge);
    Buffer cut = concat(events.subList(0, 4));
    cut.appendBuffer(events.get(4).getBuffer(0, 50));

    Buffer out = run(gate, List.of(cut));

    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, "{}"));
    assertThat(read(out).content()).containsExactly(Map.entry(0, MESSAGE));
    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void aCallHeldPastTheLimitIsJudgedOnWhatArrived() {
    String big = "\"" + "a".repeat(ResponsesCohereBedrockCalls.HOLD_LIMIT / 4) + "\"";
    List<Buffer> events = CohereStreamFixture.begin()
        .call(0, "delete_files_1", BLOCKED_TOOL, "{\"blob\":[", big + ",", big + ",", big + ",", big + ",", big + "]}")
        .end("TOOL_CALL").events();
    RecordingJudge judge = blocking();
    CohereStreamGate gate = new CohereStreamGate(judge);
    Buffer out = Buffer.buffer();

    int sent = 0;
    while (judge.asked.isEmpty()) {
      gate.accept(events.get(sent++), out::appendBuffer);
    }

    assertThat(sent).isLessThan(events.size() - 2);
    assertThat(judge.asked.get(0).get(1)).startsWith("{\"blob\":[\"aaa");
    events.subList(sent, events.size()).forEach(e -> gate.accept(e, out::appendBuffer));
    gate.end(out::appendBuffer);
    assertThat(judge.asked).hasSize(1);
    Answer answer = read(out);
    assertThat(answer.content()).containsExactly(Map.entry(0, MESSAGE));
    assertThat(answer.finishReason()).isEqualTo("COMPLETE");
    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "aaaa");
  }

  @Test
  void withoutABlockingRuleNothingIsHeldOrRead() {
    CohereStreamGate gate = new CohereStreamGate(ToolCallJudge.ALLOW_ALL);
    Buffer half = planThenBlockedCall().events().get(3).getBuffer(0, 30);
    List<Buffer> out = new ArrayList<>();

    gate.accept(half, out::add);
    gate.end(out::add);

    assertThat(out).containsExactly(half);
    assertThat(out.get(0)).isSameAs(half);
  }

  @Test
  void junkPassesWithoutHarm() {
    for (String junk : List.of("not an event stream", "{\"message\":\"invalid api token\"}", "data: {broken\n\n",
        "event: content-delta\ndata: [1\n\n", "\n\n\r\n", "data: [DONE]\n\n")) {
      CohereStreamGate gate = new CohereStreamGate(blocking());
      assertThat(text(run(gate, List.of(Buffer.buffer(junk))))).as(junk).isEqualTo(junk);
    }
  }

  @Test
  void callsSentAsAListAreHeldToo() {
    String start = "{\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":[{\"id\":\"c1\","
        + "\"type\":\"function\",\"function\":{\"name\":\"" + BLOCKED_TOOL + "\",\"arguments\":\"\"}}]}}}";
    Buffer body = Buffer.buffer("event: tool-call-start\ndata: " + start + "\n\nevent: tool-call-end\ndata: "
        + "{\"type\":\"tool-call-end\",\"index\":0}\n\n");
    CohereStreamGate gate = new CohereStreamGate(blocking());

    Buffer out = run(gate, List.of(body));

    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertThat(text(out)).contains(MESSAGE).doesNotContain(BLOCKED_TOOL);
  }
}
