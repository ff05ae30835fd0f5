package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.portcullis.common.stream.sse.SseEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiChatStreamGateTest {

  private static final String HEAD = "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\","
      + "\"system_fingerprint\":\"fp_eb9dce56a8\",";

  private static String chunk(String delta, String finishReason) {
    return HEAD + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
        + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}],\"usage\":null}";
  }

  private static String role() {
    return chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null);
  }

  private static String text(String text) {
    return chunk("{\"content\":" + quote(text) + "}", null);
  }

  private static String callStart(int index, String id, String name) {
    return chunk("{\"tool_calls\":[{\"index\":" + index + ",\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\""
        + name + "\",\"arguments\":\"\"}}]}", null);
  }

  private static String arguments(int index, String fragment) {
    return chunk("{\"tool_calls\":[{\"index\":" + index + ",\"function\":{\"arguments\":" + quote(fragment) + "}}]}", null);
  }

  private static String finish(String reason) {
    return chunk("{}", reason);
  }

  private static final String USAGE = HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":82,\"completion_tokens\":17,"
      + "\"total_tokens\":99,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
      + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
      + "\"rejected_prediction_tokens\":0}}}";

  /** Text, then a call whose arguments arrive in pieces, as OpenAI streams it. */
  private static List<String> oneCall(String id, String name, String... fragments) {
    List<String> events = new ArrayList<>(List.of(role(), text("Let me "), text("check.")));
    events.add(callStart(0, id, name));
    for (String fragment : fragments) {
      events.add(arguments(0, fragment));
    }
    events.addAll(List.of(finish("tool_calls"), USAGE, "[DONE]"));
    return events;
  }

  private static final List<String> DELETE_CALL = oneCall("call_Zq8mW3rXbKJ2", "delete_repository",
      "{\"re", "po\": \"acme/", "payroll\"}");
  private static final List<String> WEATHER_CALL = oneCall("call_Hk4tP9sLnV1c", "get_weather", "{\"city\":", " \"Paris\"}");

  /** Two parallel calls: {@code first} at index 0, {@code second} at index 1. */
  private static List<String> twoCalls(String first, String second) {
    return List.of(role(),
        callStart(0, "call_first", first), arguments(0, "{\"repo\": \"acme/"), arguments(0, "payroll\"}"),
        callStart(1, "call_second", second), arguments(1, "{\"city\": \"Paris\"}"),
        finish("tool_calls"), USAGE, "[DONE]");
  }

  @Test
  void anAllowedCallPassesByteForByte() {
    String stream = GateRun.dataEvents(WEATHER_CALL);
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    OpenAiChatStreamGate gate = new OpenAiChatStreamGate(judge);

    assertThat(GateRun.whole(gate, stream)).isEqualTo(stream);
    assertThat(gate.blockedCalls()).isZero();
    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("get_weather", "{\"city\": \"Paris\"}"));
    assertThat(GateRun.sameAtEverySplit(() -> new OpenAiChatStreamGate(judge), stream)).isEqualTo(stream);
  }

  @Test
  void aBlockedCallIsReplacedByTextAndTheAnswerStops() {
    String stream = GateRun.dataEvents(DELETE_CALL);
    OpenAiChatStreamGate gate = new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository"));

    String out = GateRun.whole(gate, stream);

    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertNothingOfTheBlockedCall(out);
    OfficialSdks.OpenAiStream read = OfficialSdks.openAiStream(out);
    ChatCompletion.Choice choice = read.completion().choices().get(0);
    assertThat(choice.message().content()).contains("Let me check.\n\n" + RecordingJudge.MESSAGE);
    assertThat(choice.message().content().orElseThrow()).contains(RecordingJudge.RULE);
    assertThat(choice.message().toolCalls().orElse(List.of())).isEmpty();
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(read.completion().usage().orElseThrow().totalTokens()).isEqualTo(99);
    // The replacement looks like the stream's own chunks.
    JsonObject replacement = dataOf(out).stream().map(JsonObject::new)
        .filter(c -> c.getJsonArray("choices").size() == 1
            && RecordingJudge.MESSAGE.equals(delta(c).getString("content", "").strip()))
        .findFirst().orElseThrow();
    assertThat(replacement.getString("id")).isEqualTo("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
    assertThat(replacement.getString("object")).isEqualTo("chat.completion.chunk");
    assertThat(replacement.getLong("created")).isEqualTo(1741570283L);
    assertThat(replacement.getString("model")).isEqualTo("gpt-4o-2024-08-06");
    assertThat(GateRun.sameAtEverySplit(() -> new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository")), stream))
        .isEqualTo(out);
  }

  @Test
  void ofTwoParallelCallsABlockedFirstOneLeavesTheSecondAtIndexZero() {
    String stream = GateRun.dataEvents(twoCalls("delete_repository", "get_weather"));
    OpenAiChatStreamGate gate = new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository"));

    String out = GateRun.whole(gate, stream);

    assertThat(gate.blockedCalls()).isEqualTo(1);
    assertNothingOfTheBlockedCall(out);
    assertThat(out).doesNotContain("call_first");
    for (String data : dataOf(out)) {
      JsonObject chunk = new JsonObject(data);
      if (!chunk.getJsonArray("choices").isEmpty() && delta(chunk).containsKey("tool_calls")) {
        assertThat(delta(chunk).getJsonArray("tool_calls").getJsonObject(0).getInteger("index")).isZero();
      }
    }
    ChatCompletion.Choice choice = OfficialSdks.openAiStream(out).completion().choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(choice.message().content()).contains(RecordingJudge.MESSAGE);
    List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
    assertThat(calls).singleElement().satisfies(call -> {
      assertThat(call.asFunction().id()).isEqualTo("call_second");
      assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
      assertThat(call.asFunction().function().arguments()).isEqualTo("{\"city\": \"Paris\"}");
    });
    assertThat(GateRun.sameAtEverySplit(() -> new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository")), stream))
        .isEqualTo(out);
  }

  @Test
  void ofTwoParallelCallsABlockedSecondOneLeavesTheFirstAsItCame() {
    List<String> events = twoCalls("get_weather", "delete_repository");
    String stream = GateRun.dataEvents(events);

    String out = GateRun.whole(new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository")), stream);

    // The first call's chunks are the upstream's own bytes.
    assertThat(out).startsWith(GateRun.dataEvents(events.subList(0, 4)));
    assertThat(out).doesNotContain("delete_repository", "call_second");
    ChatCompletion.Choice choice = OfficialSdks.openAiStream(out).completion().choices().get(0);
    assertThat(choice.message().toolCalls().orElseThrow()).singleElement()
        .satisfies(call -> assertThat(call.asFunction().id()).isEqualTo("call_first"));
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
  }

  @Test
  void textGoesOnAtOnceWhileACallIsHeld() {
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    OpenAiChatStreamGate gate = new OpenAiChatStreamGate(judge);
    List<String> events = List.of(role(), text("Let me check."), callStart(0, "call_1", "get_weather"),
        arguments(0, "{\"city\":"), text(" Meanwhile, hello."), arguments(0, " \"Paris\"}"), finish("tool_calls"),
        "[DONE]");
    List<String> after = new ArrayList<>();
    List<Integer> judgedAfter = new ArrayList<>();
    Buffer out = Buffer.buffer();
    for (String event : events) {
      gate.accept(Buffer.buffer("data: " + event + "\n\n"), out::appendBuffer);
      after.add(out.toString(StandardCharsets.UTF_8));
      judgedAfter.add(judge.judged.size());
    }

    assertThat(after.get(1)).isEqualTo(GateRun.dataEvents(events.subList(0, 2)));
    // The call's deltas are held: nothing new until it is complete...
    assertThat(after.get(3)).isEqualTo(after.get(1));
    // ...but text that arrives meanwhile is not.
    assertThat(after.get(4)).isEqualTo(after.get(1) + GateRun.dataEvents(List.of(events.get(4))));
    assertThat(after.get(5)).isEqualTo(after.get(4));
    assertThat(judgedAfter.get(5)).isZero();
    // The finish chunk completes the call: it is judged and released, in front of the finish chunk.
    assertThat(after.get(6)).isEqualTo(after.get(4)
        + GateRun.dataEvents(List.of(events.get(2), events.get(3), events.get(5), events.get(6))));
    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("get_weather", "{\"city\": \"Paris\"}"));
  }

  @Test
  void aTextOnlyStreamIsNeverHeld() {
    OpenAiChatStreamGate gate = new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository"));
    for (String event : List.of(role(), text("Hello"), text(" there"), finish("stop"), USAGE, "[DONE]")) {
      List<Buffer> out = new ArrayList<>();
      Buffer bytes = Buffer.buffer("data: " + event + "\n\n");
      gate.accept(bytes, out::add);
      assertThat(out).containsExactly(bytes);
    }
  }

  @Test
  void aChunkWithTextAndACallHasItsTextSentAtOnce() {
    OpenAiChatStreamGate gate = new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository"));
    String mixed = chunk("{\"role\":\"assistant\",\"content\":\"Deleting it now.\",\"tool_calls\":[{\"index\":0,"
        + "\"id\":\"call_Zq8mW3rXbKJ2\",\"type\":\"function\",\"function\":{\"name\":\"delete_repository\","
        + "\"arguments\":\"{\\\"repo\\\":\\\"acme/payroll\\\"}\"}}]}", null);
    Buffer out = Buffer.buffer();

    gate.accept(Buffer.buffer("data: " + mixed + "\n\n"), out::appendBuffer);
    assertThat(out.toString()).contains("Deleting it now.").doesNotContain("delete_repository");

    gate.accept(Buffer.buffer(GateRun.dataEvents(List.of(finish("tool_calls"), "[DONE]"))), out::appendBuffer);
    gate.end(out::appendBuffer);
    assertNothingOfTheBlockedCall(out.toString());
    ChatCompletion.Choice choice = OfficialSdks.openAiStream(out.toString()).completion().choices().get(0);
    assertThat(choice.message().content()).contains("Deleting it now.\n\n" + RecordingJudge.MESSAGE);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
  }

  @Test
  void callsThatComeWholeInOneChunkWithTheFinishReasonAreSplitAsNeeded() {
    // OpenAI-compatible servers (Gemini's among them) send every call whole in one chunk.
    String allInOne = chunk("{\"role\":\"assistant\",\"tool_calls\":["
        + "{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"delete_repository\",\"arguments\":\"{\\\"repo\\\":\\\"acme/payroll\\\"}\"}},"
        + "{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}",
        "tool_calls");
    String stream = GateRun.dataEvents(List.of(allInOne, "[DONE]"));

    String out = GateRun.whole(new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository")), stream);

    assertNothingOfTheBlockedCall(out);
    ChatCompletion.Choice choice = OfficialSdks.openAiStream(out).completion().choices().get(0);
    assertThat(choice.message().toolCalls().orElseThrow()).singleElement()
        .satisfies(call -> assertThat(call.asFunction().function().name()).isEqualTo("get_weather"));
    assertThat(choice.message().content()).contains(RecordingJudge.MESSAGE);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);

    String onlyBlocked = GateRun.dataEvents(List.of(allInOne.replace("get_weather", "delete_repository"), "[DONE]"));
    String out2 = GateRun.whole(new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository")), onlyBlocked);
    ChatCompletion.Choice choice2 = OfficialSdks.openAiStream(out2).completion().choices().get(0);
    assertThat(choice2.message().toolCalls().orElse(List.of())).isEmpty();
    assertThat(choice2.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(choice2.message().content()).contains(RecordingJudge.MESSAGE + "\n\n" + RecordingJudge.MESSAGE);
  }

  @Test
  void everyChoiceIsGatedOnItsOwn() {
    String c0 = HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
        + "\"function\":{\"name\":\"delete_repository\",\"arguments\":\"{\\\"repo\\\":\\\"acme/payroll\\\"}\"}}]},\"finish_reason\":null}],\"usage\":null}";
    String c1 = HEAD + "\"choices\":[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_b\",\"type\":\"function\","
        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":null}],\"usage\":null}";
    String bothFinish = HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"},"
        + "{\"index\":1,\"delta\":{},\"finish_reason\":\"tool_calls\"}],\"usage\":null}";
    String stream = GateRun.dataEvents(List.of(c0, c1, bothFinish, "[DONE]"));

    String out = GateRun.whole(new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository")), stream);

    assertNothingOfTheBlockedCall(out);
    List<ChatCompletion.Choice> choices = OfficialSdks.openAiStream(out).completion().choices();
    assertThat(choices.get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(choices.get(0).message().content()).contains(RecordingJudge.MESSAGE);
    assertThat(choices.get(1).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(choices.get(1).message().toolCalls().orElseThrow()).hasSize(1);
  }

  @Test
  void aLegacyFunctionCallIsGatedToo() {
    List<String> events = List.of(role(),
        chunk("{\"function_call\":{\"name\":\"delete_repository\",\"arguments\":\"\"}}", null),
        chunk("{\"function_call\":{\"arguments\":\"{\\\"repo\\\":\\\"acme/payroll\\\"}\"}}", null),
        finish("function_call"), "[DONE]");
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");

    String out = GateRun.whole(new OpenAiChatStreamGate(judge), GateRun.dataEvents(events));

    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("delete_repository", "{\"repo\":\"acme/payroll\"}"));
    assertNothingOfTheBlockedCall(out);
    ChatCompletion.Choice choice = OfficialSdks.openAiStream(out).completion().choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(choice.message().content()).contains(RecordingJudge.MESSAGE);
  }

  @Test
  void aStreamCutMidCallIsJudgedByNameAtTheEnd() {
    List<String> cut = DELETE_CALL.subList(0, 5);
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    OpenAiChatStreamGate gate = new OpenAiChatStreamGate(judge);

    String out = GateRun.whole(gate, GateRun.dataEvents(cut));

    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("delete_repository", "{}"));
    assertNothingOfTheBlockedCall(out);
    assertThat(out).contains(RecordingJudge.MESSAGE);
    assertThat(gate.blockedCalls()).isEqualTo(1);

    String allowed = GateRun.dataEvents(WEATHER_CALL.subList(0, 5));
    assertThat(GateRun.whole(new OpenAiChatStreamGate(judge), allowed)).isEqualTo(allowed);
  }

  @Test
  void aCallThatOutgrowsTheBoundIsJudgedOnWhatArrived() {
    List<String> events = new ArrayList<>(List.of(role(), callStart(0, "call_1", "get_weather")));
    for (int i = 0; i < 20; i++) {
      events.add(arguments(0, i == 0 ? "{\"city\": \"" : "Paris"));
    }
    events.addAll(List.of(arguments(0, "\"}"), finish("tool_calls"), "[DONE]"));
    int bound = 4 * ("data: " + events.get(2) + "\n\n").length();

    // Allowed: released once the bound is passed, well before the call completes.
    RecordingJudge allow = RecordingJudge.blocking("delete_repository");
    OpenAiChatStreamGate gate = new OpenAiChatStreamGate(allow, bound);
    Buffer out = Buffer.buffer();
    for (int i = 0; i < 8; i++) {
      gate.accept(Buffer.buffer("data: " + events.get(i) + "\n\n"), out::appendBuffer);
    }
    assertThat(out.toString()).isEqualTo(GateRun.dataEvents(events.subList(0, 8)));
    assertThat(allow.judged).containsExactly(new RecordingJudge.Judged("get_weather", "{}"));

    // Blocked: replaced, and nothing of it follows.
    String blockedStream = GateRun.dataEvents(events).replace("get_weather", "delete_repository");
    RecordingJudge block = RecordingJudge.blocking("delete_repository");
    String blockedOut = GateRun.whole(new OpenAiChatStreamGate(block, bound), blockedStream);
    assertThat(block.judged).hasSize(1);
    assertThat(blockedOut).doesNotContain("delete_repository", "Paris", "call_1").contains(RecordingJudge.MESSAGE);
    assertThat(OfficialSdks.openAiStream(blockedOut).completion().choices().get(0).finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
  }

  @Test
  void junkPassesWithoutHarm() {
    List<String> junk = List.of(": keep-alive\n\n", "data: not json\n\n", "data: [1,2]\n\n", "data: {\"choices\":\"x\"}\n\n",
        "event: error\ndata: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n",
        "data: {\"choices\":[7,null,{\"delta\":7}]}\n\n", "retry: 10\n\n", "\n\n");
    String stream = String.join("", junk) + GateRun.dataEvents(WEATHER_CALL);
    OpenAiChatStreamGate gate = new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository"));

    assertThat(GateRun.whole(gate, stream)).isEqualTo(stream);

    // A call in a shape OpenAI never sends is still judged, by what can be read of it.
    String odd = "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":\"delete_repository\","
        + "\"arguments\":7}}]}}]}\n\ndata: [DONE]\n\n";
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    String out = GateRun.whole(new OpenAiChatStreamGate(judge), odd);
    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("delete_repository", "{}"));
    assertThat(out).doesNotContain("delete_repository").contains(RecordingJudge.MESSAGE).endsWith("data: [DONE]\n\n");
  }

  @Test
  void lineEndsOtherThanLfAreKept() {
    String crlf = GateRun.dataEvents(DELETE_CALL).replace("\n", "\r\n");
    String out = GateRun.sameAtEverySplit(() -> new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository")), crlf);
    assertThat(out.replace("\r\n", "")).doesNotContain("\n");
    assertThat(OfficialSdks.openAiStream(out).completion().choices().get(0).message().content())
        .contains("Let me check.\n\n" + RecordingJudge.MESSAGE);

    String allowedCr = GateRun.dataEvents(WEATHER_CALL).replace("\n", "\r");
    assertThat(GateRun.sameAtEverySplit(() -> new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository")),
        allowedCr)).isEqualTo(allowedCr);
  }

  private static void assertNothingOfTheBlockedCall(String out) {
    assertThat(out).doesNotContain("delete_repository", "acme", "payroll", "call_Zq8mW3rXbKJ2", "repo");
  }

  private static List<String> dataOf(String out) {
    return GateRun.events(out).stream().map(SseEvent::data).filter(d -> !d.startsWith("[DONE]")).toList();
  }

  private static JsonObject delta(JsonObject chunk) {
    JsonArray choices = chunk.getJsonArray("choices");
    return choices.getJsonObject(0).getJsonObject("delta");
  }

  private static String quote(String text) {
    String array = new JsonArray().add(text).encode();
    return array.substring(1, array.length() - 1);
  }
}
