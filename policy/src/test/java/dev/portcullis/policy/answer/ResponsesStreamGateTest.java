package dev.portcullis.policy.answer;

import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.BLOCKED_TOOL;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.MESSAGE;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.RULE;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.blocking;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.run;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.sameAtEverySplit;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.ObjectMappers;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.RecordingJudge;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesStreamGateTest {

  private static final String SECRET_ARGUMENTS = "{\"path\":\"/srv/SECRET-PATH\",\"recursive\":true}";

  /** One event of the gate's output, as a client reads it. */
  private record Sse(String name, JsonObject data) {}

  private static List<Sse> events(Buffer out) {
    List<Sse> events = new ArrayList<>();
    for (String block : text(out).split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String name = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      events.add(new Sse(name, new JsonObject(data)));
    }
    return events;
  }

  /**
   * Checks what a client gets: every event parses and validates with openai-java, names match
   * types, sequence numbers rise, and the streamed items equal the final output; returns the
   * response openai-java's accumulator builds.
   */
  private static Response clientView(Buffer out) throws Exception {
    ResponseAccumulator accumulator = ResponseAccumulator.create();
    long last = -1;
    Map<Integer, JsonObject> streamedItems = new LinkedHashMap<>();
    Map<String, StringBuilder> streamedText = new LinkedHashMap<>();
    JsonArray finalOutput = null;
    for (Sse event : events(out)) {
      assertThat(event.name()).isEqualTo(event.data().getString("type"));
      long sequence = event.data().getLong("sequence_number");
      assertThat(sequence).as("sequence numbers rise").isGreaterThan(last);
      last = sequence;
      ResponseStreamEvent parsed = ObjectMappers.jsonMapper().readValue(event.data().encode(), ResponseStreamEvent.class);
      accumulator.accumulate(parsed.validate());
      switch (event.name()) {
        case "response.output_item.done" ->
            streamedItems.put(event.data().getInteger("output_index"), event.data().getJsonObject("item"));
        case "response.output_text.delta" -> streamedText.computeIfAbsent(event.data().getString("item_id"),
            id -> new StringBuilder()).append(event.data().getString("delta"));
        case "response.completed" -> finalOutput = event.data().getJsonObject("response").getJsonArray("output");
        default -> { }
      }
    }
    assertThat(finalOutput).isNotNull();
    assertThat(new JsonArray(new ArrayList<>(streamedItems.values()))).isEqualTo(finalOutput);
    for (Object item : finalOutput) {
      JsonObject message = (JsonObject) item;
      if (message.getString("type").equals("message")) {
        assertThat(streamedText.get(message.getString("id")).toString())
            .isEqualTo(message.getJsonArray("content").getJsonObject(0).getString("text"));
      }
    }
    return accumulator.response();
  }

  private static ResponsesStreamFixture textThenBlockedCall() {
    return ResponsesStreamFixture.begin().text("msg_text1", "Cleaning ", "up now.")
        .call("fc_SECRET-ITEM", "call_SECRET-CALL", BLOCKED_TOOL, "{\"path\":", "\"/srv/SECRET-PATH\",",
            "\"recursive\":true}")
        .completed();
  }

  @Test
  void anAllowedCallPassesByteForByte() {
    ResponsesStreamFixture fixture = ResponsesStreamFixture.begin().text("msg_1", "Let me check.")
        .call("fc_1", "call_1", "get_weather", "{\"city\":", "\"Paris\"}").completed();
    RecordingJudge judge = blocking();
    ResponsesStreamGate gate = new ResponsesStreamGate(judge);

    Buffer out = run(gate, fixture.events());

    assertThat(out).isEqualTo(fixture.body());
    assertThat(gate.blockedCalls()).isZero();
    assertThat(judge.asked).containsExactly(List.of("get_weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void aBlockedCallBecomesATextMessageNamingTheRule() throws Exception {
    RecordingJudge judge = blocking();
    ResponsesStreamGate gate = new ResponsesStreamGate(judge);

    Buffer out = run(gate, textThenBlockedCall().events());

    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, SECRET_ARGUMENTS));
    Response response = clientView(out);
    assertThat(response.output()).hasSize(2);
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Cleaning up now.");
    ResponseOutputItem replaced = response.output().get(1);
    assertThat(replaced.isMessage()).isTrue();
    assertThat(replaced.asMessage().id()).startsWith("msg_");
    assertThat(replaced.asMessage().content().get(0).asOutputText().text()).isEqualTo(MESSAGE).contains(RULE);
    assertThat(response.status()).hasValueSatisfying(status -> assertThat(status.asString()).isEqualTo("completed"));
    List<String> names = events(out).stream().map(Sse::name).toList();
    assertThat(names.subList(9, names.size())).containsExactly("response.output_item.added",
        "response.content_part.added", "response.output_text.delta", "response.output_text.done",
        "response.content_part.done", "response.output_item.done", "response.completed");
  }

  @Test
  void aCustomToolsCallIsHeldAndJudgedOnItsInputLikeAFunctionCall() throws Exception {
    ResponsesStreamFixture fixture = ResponsesStreamFixture.begin().text("msg_t", "Applying the patch.")
        .customCall("ctc_SECRET-ITEM", "call_SECRET-CALL", BLOCKED_TOOL, "rm -rf ", "/srv/SECRET-PATH")
        .completed();
    RecordingJudge judge = blocking();
    ResponsesStreamGate gate = new ResponsesStreamGate(judge);

    Buffer out = run(gate, fixture.events());

    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, "{\"input\":\"rm -rf /srv/SECRET-PATH\"}"));
    Response response = clientView(out);
    assertThat(response.output()).hasSize(2);
    assertThat(response.output().get(1).asMessage().content().get(0).asOutputText().text()).isEqualTo(MESSAGE);
    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "SECRET", "custom_tool_call", "ctc_");

    ResponsesStreamFixture allowed = ResponsesStreamFixture.begin()
        .customCall("ctc_1", "call_1", "apply_patch", "*** Begin Patch", "\n*** End Patch").completed();
    assertThat(run(new ResponsesStreamGate(blocking()), allowed.events())).isEqualTo(allowed.body());
  }

  @Test
  void nothingOfABlockedCallReachesTheClient() {
    Buffer out = run(new ResponsesStreamGate(blocking()), textThenBlockedCall().events());

    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "SECRET", "function_call", "fc_", "call_");
  }

  @Test
  void ofTwoParallelCallsOnlyTheBlockedOneIsReplaced() throws Exception {
    ResponsesStreamFixture fixture = ResponsesStreamFixture.begin()
        .call("fc_weather", "call_weather", "get_weather", "{\"city\":\"Paris\"}")
        .call("fc_SECRET", "call_SECRET", BLOCKED_TOOL, SECRET_ARGUMENTS)
        .completed();
    ResponsesStreamGate gate = new ResponsesStreamGate(blocking());

    Buffer out = run(gate, fixture.events());

    assertThat(gate.blockedCalls()).isEqualTo(1);
    Response response = clientView(out);
    assertThat(response.output().get(0).asFunctionCall().name()).isEqualTo("get_weather");
    assertThat(response.output().get(0).asFunctionCall().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(response.output().get(1).asMessage().content().get(0).asOutputText().text()).isEqualTo(MESSAGE);
    // The allowed call's events went on in the upstream's own bytes.
    for (int i = 2; i <= 5; i++) {
      assertThat(text(out)).contains(text(fixture.events().get(i)));
    }
    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void textGoesOutAtOnceWhileTheCallAfterItIsHeldUntilItsLastEvent() {
    List<Buffer> events = textThenBlockedCall().events();
    ResponsesStreamGate gate = new ResponsesStreamGate(blocking());
    Buffer out = Buffer.buffer();
    for (int i = 0; i < 9; i++) {
      gate.accept(events.get(i), out::appendBuffer);
      assertThat(out).as("text event %d goes on at once", i).isEqualTo(ResponsesCohereBedrockTesting.concat(events.subList(0, i + 1)));
    }
    int before = out.length();
    // output_item.added, three argument deltas and arguments.done: all held.
    for (int i = 9; i < 14; i++) {
      gate.accept(events.get(i), out::appendBuffer);
      assertThat(out.length()).as("call event %d is held", i).isEqualTo(before);
    }
    gate.accept(events.get(14), out::appendBuffer);
    assertThat(text(out.getBuffer(before, out.length()))).contains(MESSAGE).doesNotContain(BLOCKED_TOOL);
  }

  @Test
  void everySplitOfTheStreamGivesTheSameOutput() {
    ResponsesStreamFixture fixture = ResponsesStreamFixture.begin().text("msg_a", "One, ", "two.")
        .call("fc_ok", "call_ok", "get_weather", "{\"city\":", "\"Paris\"}")
        .call("fc_no", "call_no", BLOCKED_TOOL, "{}")
        .completed();

    Buffer out = sameAtEverySplit(fixture.body(), () -> new ResponsesStreamGate(blocking()));

    assertThat(text(out)).contains(MESSAGE).contains("get_weather").doesNotContain(BLOCKED_TOOL);
  }

  @Test
  void aShortCallReplacedByLongerTextRenumbersTheEventsAfterIt() throws Exception {
    // No argument deltas: the call has three events, its replacement six.
    ResponsesStreamFixture fixture = ResponsesStreamFixture.begin().call("fc_x", "call_x", BLOCKED_TOOL)
        .text("msg_after", "Done.").completed();

    Buffer out = run(new ResponsesStreamGate(blocking()), fixture.events());

    List<Sse> events = events(out);
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).data().getLong("sequence_number")).isEqualTo(i);
    }
    assertThat(clientView(out).output().get(1).asMessage().content().get(0).asOutputText().text()).isEqualTo("Done.");
    // The text after the call kept its bytes but for the number.
    assertThat(text(out)).contains("\"delta\":\"Done.\",\"logprobs\":[],\"obfuscation\":\"x7Yq\"");
  }

  @Test
  void aCallCutOffByTheEndOfTheStreamIsJudgedByItsName() {
    List<Buffer> events = textThenBlockedCall().events();
    RecordingJudge judge = blocking();
    ResponsesStreamGate gate = new ResponsesStreamGate(judge);

    // Cut in the middle of the second argument delta.
    Buffer cut = ResponsesCohereBedrockTesting.concat(events.subList(0, 11));
    cut.appendBuffer(events.get(11).getBuffer(0, 40));
    Buffer out = run(gate, List.of(cut));

    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, "{}"));
    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertThat(text(out)).contains(MESSAGE).doesNotContain(BLOCKED_TOOL, "SECRET");
    assertThat(events(out).get(events(out).size() - 1).name()).isEqualTo("response.output_item.done");
  }

  @Test
  void anAllowedCallCutOffIsReleasedAtTheEnd() {
    List<Buffer> events = ResponsesStreamFixture.begin().call("fc_1", "call_1", "get_weather", "{\"city\":", "\"Paris\"}")
        .events();
    ResponsesStreamGate gate = new ResponsesStreamGate(blocking());
    Buffer cut = ResponsesCohereBedrockTesting.concat(events.subList(0, 4));

    Buffer out = run(gate, List.of(cut));

    assertThat(out).isEqualTo(cut);
  }

  @Test
  void aCallHeldPastTheLimitIsJudgedOnWhatArrived() {
    String big = "\"" + "a".repeat(ResponsesCohereBedrockCalls.HOLD_LIMIT / 4) + "\"";
    ResponsesStreamFixture fixture = ResponsesStreamFixture.begin()
        .call("fc_big", "call_big", BLOCKED_TOOL, "{\"blob\":[", big + ",", big + ",", big + ",", big + ",", big + "]}")
        .completed();
    List<Buffer> events = fixture.events();
    RecordingJudge judge = blocking();
    ResponsesStreamGate gate = new ResponsesStreamGate(judge);
    Buffer out = Buffer.buffer();

    int sent = 0;
    while (judge.asked.isEmpty()) {
      gate.accept(events.get(sent++), out::appendBuffer);
    }

    assertThat(sent).as("judged before the arguments were done").isLessThan(events.size() - 3);
    assertThat(judge.asked.get(0).get(0)).isEqualTo(BLOCKED_TOOL);
    assertThat(judge.asked.get(0).get(1)).startsWith("{\"blob\":[\"aaa");
    assertThat(text(out)).contains(MESSAGE);
    events.subList(sent, events.size()).forEach(e -> gate.accept(e, out::appendBuffer));
    gate.end(out::appendBuffer);
    assertThat(judge.asked).hasSize(1);
    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertThat(text(out)).doesNotContain(BLOCKED_TOOL, "aaaa");
    List<String> names = events(out).stream().map(Sse::name).toList();
    assertThat(names).endsWith("response.output_item.done", "response.completed");
  }

  @Test
  void anAllowedCallHeldPastTheLimitGoesOnAsItCame() {
    String big = "\"" + "b".repeat(ResponsesCohereBedrockCalls.HOLD_LIMIT / 2) + "\"";
    ResponsesStreamFixture fixture = ResponsesStreamFixture.begin()
        .call("fc_big", "call_big", "store_blob", "{\"blob\":[", big + ",", big + ",", big + "]}").completed();
    RecordingJudge judge = blocking();

    Buffer out = run(new ResponsesStreamGate(judge), fixture.events());

    assertThat(out).isEqualTo(fixture.body());
    assertThat(judge.asked).hasSize(1);
  }

  @Test
  void withoutABlockingRuleNothingIsHeldOrRead() {
    ResponsesStreamGate gate = new ResponsesStreamGate(ToolCallJudge.ALLOW_ALL);
    Buffer half = textThenBlockedCall().events().get(9).getBuffer(0, 30);
    List<Buffer> out = new ArrayList<>();

    gate.accept(half, out::add);
    gate.end(out::add);

    assertThat(out).hasSize(1);
    assertThat(out.get(0)).isSameAs(half);
  }

  @Test
  void junkPassesWithoutHarm() {
    for (String junk : List.of("not an event stream at all", "{\"error\":{\"message\":\"boom\"}}",
        "data: {broken json\n\n", "event: response.output_text.delta\ndata: [1,2\n\n", "\n\n\r\n", ":comment\n\n",
        "data: [DONE]\n\n")) {
      Buffer body = Buffer.buffer(junk);
      ResponsesStreamGate gate = new ResponsesStreamGate(blocking());
      assertThat(text(run(gate, List.of(body)))).as(junk).isEqualTo(junk);
      assertThat(gate.blockedCalls()).isZero();
    }
  }

  @Test
  void anUnreadableEventThatCouldCarryACallIsWithheld() {
    Buffer body = Buffer.buffer("event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
        + "\"item\":{\"type\":\"function_call\",\"name\":\"" + BLOCKED_TOOL + "\"\n\n");

    Buffer out = run(new ResponsesStreamGate(blocking()), List.of(body));

    assertThat(text(out)).doesNotContain(BLOCKED_TOOL);
  }

  @Test
  void aCallFirstSeenInTheFinalOutputIsJudgedThere() throws Exception {
    // A stream that never streamed the call's own events, only the completed output.
    JsonArray output = new JsonArray().add(new JsonObject().put("id", "fc_SECRET").put("type", "function_call")
        .put("status", "completed").put("arguments", SECRET_ARGUMENTS).put("call_id", "call_SECRET").put("name", BLOCKED_TOOL));
    String data = new JsonObject().put("type", "response.completed").put("sequence_number", 0)
        .put("response", ResponsesStreamFixture.response("completed", output, null)).encode();
    ResponsesStreamGate gate = new ResponsesStreamGate(blocking());

    Buffer out = run(gate, List.of(Buffer.buffer("event: response.completed\ndata: " + data + "\n\n")));

    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertThat(text(out)).contains(MESSAGE).doesNotContain(BLOCKED_TOOL, "SECRET");
    JsonObject item = events(out).get(0).data().getJsonObject("response").getJsonArray("output").getJsonObject(0);
    assertThat(item.getString("type")).isEqualTo("message");
  }
}
