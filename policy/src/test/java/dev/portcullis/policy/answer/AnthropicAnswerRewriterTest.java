package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.StopReason;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicAnswerRewriterTest {

  private final AnthropicAnswerRewriter rewriter = new AnthropicAnswerRewriter();

  private static final String TEXT = "{\"type\":\"text\",\"text\":\"I'll take care of that.\"}";
  private static final String DELETE = "{\"type\":\"tool_use\",\"id\":\"toolu_01D7FLrfh4GYq7yT1ULFeyMV\","
      + "\"name\":\"delete_repository\",\"input\":{\"repo\":\"acme/payroll\"}}";
  private static final String WEATHER = "{\"type\":\"tool_use\",\"id\":\"toolu_01A09q90qw90lq917835lq9\","
      + "\"name\":\"get_weather\",\"input\":{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}}";

  private static String message(String stopReason, String... blocks) {
    return """
        {"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",\
        "content":[%s],"stop_reason":"%s","stop_sequence":null,\
        "usage":{"input_tokens":2095,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":503,\
        "service_tier":"standard"}}""".formatted(String.join(",", blocks), stopReason);
  }

  @Test
  void anAllowedCallLeavesTheAnswerUntouched() {
    Buffer body = Buffer.buffer(message("tool_use", TEXT, WEATHER));
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(rewritten.body()).isSameAs(body);
    assertThat(rewritten.blockedCalls()).isZero();
    assertThat(judge.judged).containsExactly(
        new RecordingJudge.Judged("get_weather", "{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"));
  }

  @Test
  void aBlockedCallBecomesATextBlockWhereItStoodAndTheTurnEnds() {
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(message("tool_use", TEXT, DELETE)),
        RecordingJudge.blocking("delete_repository"));

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    String body = rewritten.body().toString();
    assertNothingOfTheBlockedCall(body);
    JsonObject root = new JsonObject(body);
    assertThat(root.getString("stop_reason")).isEqualTo("end_turn");
    JsonArray content = root.getJsonArray("content");
    assertThat(content).hasSize(2);
    assertThat(content.getJsonObject(0).encode()).isEqualTo(TEXT);
    assertThat(content.getJsonObject(1).getString("type")).isEqualTo("text");
    assertThat(content.getJsonObject(1).getString("text")).isEqualTo(RecordingJudge.MESSAGE);

    Message read = OfficialSdks.anthropicMessage(body);
    assertThat(read.stopReason()).contains(StopReason.END_TURN);
    assertThat(read.content()).allSatisfy(block -> assertThat(block.isText()).isTrue());
    assertThat(read.content().get(1).asText().text()).contains(RecordingJudge.RULE);
  }

  @Test
  void ofTwoParallelCallsTheAllowedOneStaysAndSoDoesTheToolStopReason() {
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(message("tool_use", TEXT, DELETE, WEATHER)),
        RecordingJudge.blocking("delete_repository"));

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    assertNothingOfTheBlockedCall(rewritten.body().toString());
    Message read = OfficialSdks.anthropicMessage(rewritten.body().toString());
    assertThat(read.stopReason()).contains(StopReason.TOOL_USE);
    List<ContentBlock> content = read.content();
    assertThat(content).hasSize(3);
    assertThat(content.get(1).asText().text()).isEqualTo(RecordingJudge.MESSAGE);
    assertThat(content.get(2).asToolUse().name()).isEqualTo("get_weather");
  }

  @Test
  void serverToolsAreNotTheClientsAndAreLeftAlone() {
    String serverTool = "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01\",\"name\":\"web_search\",\"input\":{\"query\":\"x\"}}";
    Buffer body = Buffer.buffer(message("end_turn", serverTool, TEXT));
    RecordingJudge judge = RecordingJudge.blocking("web_search");

    assertThat(rewriter.rewrite(body, judge).body()).isSameAs(body);
    assertThat(judge.judged).isEmpty();
  }

  @Test
  void junkIsPassedAsItCame() {
    for (String junk : List.of("", "nope", "[1]", "{\"content\":\"text\"}",
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
        "{\"content\":[1,null,{\"type\":7}]}")) {
      Buffer body = Buffer.buffer(junk);
      Rewritten rewritten = rewriter.rewrite(body, RecordingJudge.blocking(""));
      assertThat(rewritten.body()).as(junk).isSameAs(body);
    }
  }

  @Test
  void aToolUseThatCannotBeReadIsJudgedByWhatThereIs() {
    RecordingJudge judge = RecordingJudge.blocking("", "delete_repository");
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(message("tool_use",
        "{\"type\":\"tool_use\",\"id\":\"toolu_x\"}",
        "{\"type\":\"tool_use\",\"id\":\"toolu_y\",\"name\":\"delete_repository\",\"input\":\"acme/payroll\"}")), judge);

    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("", "{}"),
        new RecordingJudge.Judged("delete_repository", "{}"));
    assertThat(rewritten.blockedCalls()).isEqualTo(2);
    assertThat(rewritten.body().toString()).doesNotContain("toolu_x", "toolu_y", "acme/payroll")
        .contains("\"stop_reason\":\"end_turn\"");
  }

  private static void assertNothingOfTheBlockedCall(String body) {
    assertThat(body).doesNotContain("delete_repository", "acme/payroll", "toolu_01D7FLrfh4GYq7yT1ULFeyMV");
  }
}
