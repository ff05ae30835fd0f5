package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.chat.completions.ChatCompletion;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiChatAnswerRewriterTest {

  private final OpenAiChatAnswerRewriter rewriter = new OpenAiChatAnswerRewriter();

  private static String completion(String content, String toolCalls, String finishReason) {
    return """
        {"id":"chatcmpl-abc123","object":"chat.completion","created":1710000000,"model":"gpt-4o-2024-08-06",\
        "choices":[{"index":0,"message":{"role":"assistant","content":%s,"refusal":null%s,"annotations":[]},\
        "logprobs":null,"finish_reason":"%s"}],\
        "usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99,\
        "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},\
        "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},\
        "service_tier":"default","system_fingerprint":"fp_6b68a8204b"}"""
        .formatted(content, toolCalls == null ? "" : ",\"tool_calls\":[" + toolCalls + "]", finishReason);
  }

  private static String call(String id, String name, String arguments) {
    // OpenAI sends the arguments as a string of JSON.
    String quoted = new io.vertx.core.json.JsonArray().add(arguments).encode();
    return "{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":"
        + quoted.substring(1, quoted.length() - 1) + "}}";
  }

  private static final String DELETE = call("call_Zq8mW3rXbKJ2", "delete_repository", "{\"repo\":\"acme/payroll\"}");
  private static final String WEATHER = call("call_Hk4tP9sLnV1c", "get_weather", "{\"city\":\"Paris\"}");

  @Test
  void anAllowedCallLeavesTheAnswerUntouched() {
    Buffer body = Buffer.buffer(completion("null", WEATHER, "tool_calls"));
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(rewritten.body()).isSameAs(body);
    assertThat(rewritten.blockedCalls()).isZero();
    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("get_weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void aBlockedCallBecomesATextAnswerThatStops() {
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(completion("null", DELETE, "tool_calls")),
        RecordingJudge.blocking("delete_repository"));

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    String body = rewritten.body().toString();
    assertNothingOfTheBlockedCall(body);
    JsonObject choice = new JsonObject(body).getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    assertThat(choice.getJsonObject("message").containsKey("tool_calls")).isFalse();
    assertThat(choice.getJsonObject("message").getString("content")).isEqualTo(RecordingJudge.MESSAGE);
    // The rest of the answer is as it was.
    assertThat(new JsonObject(body).getJsonObject("usage").getInteger("total_tokens")).isEqualTo(99);

    ChatCompletion read = OfficialSdks.openAiCompletion(body);
    assertThat(read.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(read.choices().get(0).message().content()).contains(RecordingJudge.MESSAGE);
    assertThat(read.choices().get(0).message().toolCalls()).isEmpty();
    assertThat(read.choices().get(0).message().content().orElseThrow()).contains(RecordingJudge.RULE);
  }

  @Test
  void theBlockedTextFollowsTextAlreadyThereAfterABlankLine() {
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(completion("\"Let me clean that up.\"", DELETE, "tool_calls")),
        RecordingJudge.blocking("delete_repository"));

    ChatCompletion read = OfficialSdks.openAiCompletion(rewritten.body().toString());
    assertThat(read.choices().get(0).message().content()).contains("Let me clean that up.\n\n" + RecordingJudge.MESSAGE);
  }

  @Test
  void ofTwoParallelCallsTheAllowedOneStaysAndSoDoesTheToolFinishReason() {
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(completion("null", DELETE + "," + WEATHER, "tool_calls")),
        RecordingJudge.blocking("delete_repository"));

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    assertNothingOfTheBlockedCall(rewritten.body().toString());
    ChatCompletion read = OfficialSdks.openAiCompletion(rewritten.body().toString());
    ChatCompletion.Choice choice = read.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(choice.message().toolCalls().orElseThrow()).singleElement()
        .extracting(c -> c.asFunction().function().name()).isEqualTo("get_weather");
    assertThat(choice.message().content()).contains(RecordingJudge.MESSAGE);
  }

  @Test
  void twoBlockedCallsGiveTwoTextsAndEveryChoiceIsRead() {
    String twoChoices = completion("null", DELETE + "," + call("call_2", "drop_table", "{}"), "tool_calls")
        .replace("\"finish_reason\":\"tool_calls\"}]",
            "\"finish_reason\":\"tool_calls\"},{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":null,"
                + "\"refusal\":null,\"tool_calls\":[" + call("call_3", "drop_table", "{\"t\":1}") + "]},"
                + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]");
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(twoChoices), RecordingJudge.blocking("delete_repository", "drop_table"));

    assertThat(rewritten.blockedCalls()).isEqualTo(3);
    ChatCompletion read = OfficialSdks.openAiCompletion(rewritten.body().toString());
    assertThat(read.choices()).hasSize(2).allSatisfy(choice -> {
      assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
      assertThat(choice.message().toolCalls()).isEmpty();
    });
    assertThat(read.choices().get(0).message().content())
        .contains(RecordingJudge.MESSAGE + "\n\n" + RecordingJudge.MESSAGE);
    assertThat(rewritten.body().toString()).doesNotContain("drop_table", "call_3");
  }

  @Test
  void aLegacyFunctionCallIsJudgedToo() {
    String legacy = completion("null", null, "function_call")
        .replace("\"refusal\":null", "\"refusal\":null,\"function_call\":{\"name\":\"delete_repository\","
            + "\"arguments\":\"{\\\"repo\\\":\\\"acme/payroll\\\"}\"}");
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");

    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(legacy), judge);

    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("delete_repository", "{\"repo\":\"acme/payroll\"}"));
    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    assertNothingOfTheBlockedCall(rewritten.body().toString());
    JsonObject choice = new JsonObject(rewritten.body().toString()).getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    assertThat(choice.getJsonObject("message").getString("content")).isEqualTo(RecordingJudge.MESSAGE);
  }

  @Test
  void junkIsPassedAsItCame() {
    for (String junk : List.of("", "not json", "[]", "{\"choices\":3}", "{\"error\":{\"message\":\"x\"}}",
        "{\"choices\":[1,{\"message\":null},{\"message\":{\"tool_calls\":7}}]}")) {
      Buffer body = Buffer.buffer(junk);
      Rewritten rewritten = rewriter.rewrite(body, RecordingJudge.blocking("", "delete_repository"));
      assertThat(rewritten.body()).as(junk).isSameAs(body);
      assertThat(rewritten.blockedCalls()).isZero();
    }
  }

  @Test
  void aCallThatCannotBeReadIsJudgedByWhatThereIs() {
    String odd = completion("null", "\"not a call\",{\"id\":\"call_9\",\"type\":\"function\",\"function\":"
        + "{\"name\":\"delete_repository\",\"arguments\":{\"repo\":1}}}", "tool_calls");
    RecordingJudge judge = RecordingJudge.blocking("", "delete_repository");

    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(odd), judge);

    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("", "{}"),
        new RecordingJudge.Judged("delete_repository", "{}"));
    assertThat(rewritten.blockedCalls()).isEqualTo(2);
    assertThat(rewritten.body().toString()).doesNotContain("not a call", "delete_repository", "call_9");
  }

  @Test
  void numbersAndTheRestOfTheAnswerKeepTheirValue() {
    String withLogprobs = completion("null", DELETE, "tool_calls")
        .replace("\"logprobs\":null", "\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":-0.000012339282035827637,"
            + "\"bytes\":[120],\"top_logprobs\":[]}],\"refusal\":null}");
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(withLogprobs), RecordingJudge.blocking("delete_repository"));

    assertThat(rewritten.body().toString()).contains("-0.000012339282035827637", "\"system_fingerprint\":\"fp_6b68a8204b\"");
  }

  private static void assertNothingOfTheBlockedCall(String body) {
    assertThat(body).doesNotContain("delete_repository", "acme/payroll", "call_Zq8mW3rXbKJ2");
  }
}
