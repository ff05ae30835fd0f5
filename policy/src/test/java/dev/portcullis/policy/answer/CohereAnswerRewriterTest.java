package dev.portcullis.policy.answer;

import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.BLOCKED_TOOL;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.MESSAGE;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.blocking;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.RecordingJudge;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class CohereAnswerRewriterTest {

  private static final String SECRET_ARGUMENTS = "{\"path\":\"/srv/SECRET-PATH\"}";
  private final CohereAnswerRewriter rewriter = new CohereAnswerRewriter();

  private static JsonObject call(String id, String name, String arguments) {
    return new JsonObject().put("id", id).put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", arguments));
  }

  /** A tool-call answer as Cohere's v2 chat returns it. */
  private static JsonObject answer(JsonObject... calls) {
    return new JsonObject().put("id", "c14c80c3-18eb-4519-9460-6c92edd8cfb4").put("finish_reason", "TOOL_CALL")
        .put("message", new JsonObject().put("role", "assistant").put("tool_plan", "I will do what was asked.")
            .put("tool_calls", new JsonArray(List.of((Object[]) calls))))
        .put("usage", new JsonObject().put("billed_units", new JsonObject().put("input_tokens", 37).put("output_tokens", 28))
            .put("tokens", new JsonObject().put("input_tokens", 913).put("output_tokens", 83)));
  }

  @Test
  void anAllowedCallLeavesTheVeryBodyUntouched() {
    Buffer body = answer(call("get_weather_1", "get_weather", "{\"city\":\"Paris\"}")).toBuffer();
    RecordingJudge judge = blocking();

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(rewritten.body()).isSameAs(body);
    assertThat(rewritten.blockedCalls()).isZero();
    assertThat(judge.asked).containsExactly(List.of("get_weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void aBlockedCallBecomesTextAndTheAnswerACompleteOne() {
    Buffer body = answer(call("delete_files_SECRETID", BLOCKED_TOOL, SECRET_ARGUMENTS)).toBuffer();
    RecordingJudge judge = blocking();

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    assertThat(judge.asked).containsExactly(List.of(BLOCKED_TOOL, SECRET_ARGUMENTS));
    JsonObject json = new JsonObject(rewritten.body());
    assertThat(json.getString("finish_reason")).isEqualTo("COMPLETE");
    JsonObject message = json.getJsonObject("message");
    assertThat(message.containsKey("tool_calls")).isFalse();
    assertThat(message.getString("tool_plan")).isEqualTo("I will do what was asked.");
    assertThat(message.getJsonArray("content"))
        .isEqualTo(new JsonArray().add(new JsonObject().put("type", "text").put("text", MESSAGE)));
    assertThat(json.getJsonObject("usage")).isEqualTo(new JsonObject(body).getJsonObject("usage"));
    assertThat(text(rewritten.body())).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void ofTwoParallelCallsOnlyTheBlockedOneIsRemovedAndTheAnswerStillCallsATool() {
    Buffer body = answer(call("get_weather_1", "get_weather", "{\"city\":\"Paris\"}"),
        call("delete_files_SECRETID", BLOCKED_TOOL, SECRET_ARGUMENTS)).toBuffer();

    Rewritten rewritten = rewriter.rewrite(body, blocking());

    JsonObject json = new JsonObject(rewritten.body());
    assertThat(json.getString("finish_reason")).isEqualTo("TOOL_CALL");
    assertThat(json.getJsonObject("message").getJsonArray("tool_calls"))
        .isEqualTo(new JsonArray().add(call("get_weather_1", "get_weather", "{\"city\":\"Paris\"}")));
    assertThat(json.getJsonObject("message").getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo(MESSAGE);
    assertThat(text(rewritten.body())).doesNotContain(BLOCKED_TOOL, "SECRET");
  }

  @Test
  void theTextIsAddedAfterTheContentThereWas() {
    JsonObject body = answer(call("x", BLOCKED_TOOL, "{}"));
    body.getJsonObject("message").put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", "Hi.")));

    Rewritten rewritten = rewriter.rewrite(body.toBuffer(), blocking());

    assertThat(new JsonObject(rewritten.body()).getJsonObject("message").getJsonArray("content")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "Hi."))
        .add(new JsonObject().put("type", "text").put("text", MESSAGE)));
  }

  @Test
  void aCallWithFieldsNotAsDocumentedIsStillJudged() {
    RecordingJudge judge = new RecordingJudge("");
    Buffer body = Buffer.buffer("{\"message\":{\"tool_calls\":[{\"id\":\"x\"},7]}}");

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(judge.asked).containsExactly(List.of("", "{}"), List.of("", "{}"));
    assertThat(rewritten.blockedCalls()).isEqualTo(2);
  }

  @Test
  void malformedAnswersAreReturnedUnchanged() {
    for (String junk : List.of("", "{\"message\":\"invalid api token\"}", "[]", "{\"message\":{\"tool_calls\":{}}}",
        "{\"message\":{\"tool_calls\":[]}} x")) {
      Buffer body = Buffer.buffer(junk);
      assertThat(rewriter.rewrite(body, blocking()).body()).as(junk).isSameAs(body);
    }
  }

  @Test
  void withoutABlockingRuleTheBodyIsNotRead() {
    Buffer body = Buffer.buffer("not json");

    assertThat(rewriter.rewrite(body, ToolCallJudge.ALLOW_ALL).body()).isSameAs(body);
  }
}
