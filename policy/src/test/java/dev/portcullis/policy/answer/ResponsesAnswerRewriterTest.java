package dev.portcullis.policy.answer;

import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.BLOCKED_TOOL;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.MESSAGE;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.RULE;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.blocking;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.RecordingJudge;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesAnswerRewriterTest {

  private static final String SECRET_ARGUMENTS = "{\"path\":\"/srv/SECRET-PATH\"}";
  private final ResponsesAnswerRewriter rewriter = new ResponsesAnswerRewriter();

  private static JsonObject call(String id, String callId, String name, String arguments) {
    return new JsonObject().put("type", "function_call").put("id", id).put("call_id", callId).put("name", name)
        .put("arguments", arguments).put("status", "completed");
  }

  private static JsonObject message(String id, String text) {
    return new JsonObject().put("type", "message").put("id", id).put("status", "completed").put("role", "assistant")
        .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text)
            .put("annotations", new JsonArray())));
  }

  private static Buffer answer(JsonObject... items) {
    JsonObject usage = new JsonObject().put("input_tokens", 81).put("input_tokens_details", new JsonObject()
        .put("cached_tokens", 0)).put("output_tokens", 24).put("output_tokens_details", new JsonObject()
        .put("reasoning_tokens", 0)).put("total_tokens", 105);
    return ResponsesStreamFixture.response("completed", new JsonArray(List.of((Object[]) items)), usage).toBuffer();
  }

  private static Response parse(Buffer body) throws Exception {
    return ObjectMappers.jsonMapper().readValue(body.getBytes(), Response.class).validate();
  }

  @Test
  void anAllowedCallLeavesTheVeryBodyUntouched() {
    Buffer body = answer(message("msg_1", "Checking."), call("fc_1", "call_1", "get_weather", "{\"city\":\"Paris\"}"));
    RecordingJudge judge = blocking();

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(rewritten.body()).isSameAs(body);
    assertThat(rewritten.blockedCalls()).isZero();
    assertThat(judge.asked).containsExactly(List.of("get_weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void aBlockedCallBecomesAMessageItemInItsPlace() throws Exception {
    Buffer body = answer(call("fc_SECRET", "call_SECRET", BLOCKED_TOOL, SECRET_ARGUMENTS));
    RecordingJudge judge = blocking();

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, SECRET_ARGUMENTS));
    JsonObject item = new JsonObject(rewritten.body()).getJsonArray("output").getJsonObject(0);
    assertThat(item.fieldNames()).containsExactly("type", "id", "status", "role", "content");
    assertThat(item.getString("type")).isEqualTo("message");
    assertThat(item.getString("id")).matches("msg_[0-9a-f]{48}");
    assertThat(item.getString("status")).isEqualTo("completed");
    assertThat(item.getString("role")).isEqualTo("assistant");
    assertThat(item.getJsonArray("content")).isEqualTo(new JsonArray().add(new JsonObject().put("type", "output_text")
        .put("text", MESSAGE).put("annotations", new JsonArray())));
    assertThat(MESSAGE).contains(RULE);
    Response response = parse(rewritten.body());
    assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo(MESSAGE);
    assertThat(text(rewritten.body())).doesNotContain(BLOCKED_TOOL, "SECRET", "function_call");
  }

  @Test
  void aCustomToolsBlockedCallIsReplacedAndAnAllowedOneKept() throws Exception {
    JsonObject blockedCall = new JsonObject().put("type", "custom_tool_call").put("id", "ctc_SECRET")
        .put("call_id", "call_SECRET").put("name", BLOCKED_TOOL).put("input", "rm -rf /srv/SECRET-PATH")
        .put("status", "completed");
    JsonObject allowedCall = new JsonObject().put("type", "custom_tool_call").put("id", "ctc_1").put("call_id", "call_1")
        .put("name", "apply_patch").put("input", "*** Begin Patch").put("status", "completed");
    RecordingJudge judge = blocking();

    Rewritten rewritten = rewriter.rewrite(answer(allowedCall, blockedCall), judge);

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    assertThat(judge.asked).containsExactly(List.of("apply_patch", "{\"input\":\"*** Begin Patch\"}"),
        List.of(BLOCKED_TOOL, "{\"input\":\"rm -rf /srv/SECRET-PATH\"}"));
    Response response = parse(rewritten.body());
    assertThat(response.output().get(0).isCustomToolCall()).isTrue();
    assertThat(response.output().get(1).asMessage().content().get(0).asOutputText().text()).isEqualTo(MESSAGE);
    assertThat(text(rewritten.body())).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void ofTwoParallelCallsOnlyTheBlockedOneIsReplaced() throws Exception {
    Buffer body = answer(call("fc_ok", "call_ok", "get_weather", "{\"city\":\"Paris\"}"),
        call("fc_SECRET", "call_SECRET", BLOCKED_TOOL, SECRET_ARGUMENTS));

    Rewritten rewritten = rewriter.rewrite(body, blocking());

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    Response response = parse(rewritten.body());
    assertThat(response.output().get(0).asFunctionCall().name()).isEqualTo("get_weather");
    assertThat(response.output().get(1).asMessage().content().get(0).asOutputText().text()).isEqualTo(MESSAGE);
    JsonObject original = new JsonObject(body);
    JsonObject rewrittenJson = new JsonObject(rewritten.body());
    original.remove("output");
    rewrittenJson.remove("output");
    assertThat(rewrittenJson).as("everything else as it was").isEqualTo(original);
  }

  @Test
  void theOutputTextConvenienceIsRecomputedWhenPresent() {
    JsonObject body = new JsonObject(answer(message("msg_1", "Sure. "), call("fc_1", "call_1", BLOCKED_TOOL, "{}")));
    body.put("output_text", "Sure. ");

    Rewritten rewritten = rewriter.rewrite(body.toBuffer(), blocking());

    assertThat(new JsonObject(rewritten.body()).getString("output_text")).isEqualTo("Sure. " + MESSAGE);
  }

  @Test
  void numbersKeepTheirDigitsWhenTheBodyIsRewritten() {
    Buffer body = Buffer.buffer("{\"id\":\"resp_1\",\"temperature\":1.0,\"top_p\":0.30000000000000004,"
        + "\"output\":[{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"c\",\"name\":\"" + BLOCKED_TOOL
        + "\",\"arguments\":\"{}\"}]}");

    String rewritten = text(rewriter.rewrite(body, blocking()).body());

    assertThat(rewritten).contains("\"temperature\":1.0,\"top_p\":0.30000000000000004,");
  }

  @Test
  void aCallWithFieldsNotAsDocumentedIsStillJudged() {
    RecordingJudge judge = new RecordingJudge("");
    Buffer body = Buffer.buffer("{\"output\":[{\"type\":\"function_call\",\"arguments\":[1,2]}]}");

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(judge.asked).containsExactly(List.of("", "{}"));
    assertThat(rewritten.blockedCalls()).isEqualTo(1);
  }

  @Test
  void malformedAnswersAreReturnedUnchanged() {
    for (String junk : List.of("", "not json", "[1,2]", "{\"output\":\"nope\"}", "{\"output\":[1,null,\"x\"]}",
        "{\"output\":[{\"type\":\"function_call\",\"name\":\"" + BLOCKED_TOOL + "\"}] trailing")) {
      Buffer body = Buffer.buffer(junk);
      Rewritten rewritten = rewriter.rewrite(body, blocking());
      assertThat(rewritten.body()).as(junk).isSameAs(body);
      assertThat(rewritten.blockedCalls()).isZero();
    }
  }

  @Test
  void withoutABlockingRuleTheBodyIsNotRead() {
    Buffer body = Buffer.buffer("not even json");

    assertThat(rewriter.rewrite(body, ToolCallJudge.ALLOW_ALL).body()).isSameAs(body);
  }
}
