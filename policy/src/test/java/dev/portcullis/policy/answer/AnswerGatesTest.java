package dev.portcullis.policy.answer;

import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.BLOCKED_TOOL;
import static dev.portcullis.policy.answer.ResponsesCohereBedrockTesting.blocking;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.policy.conversation.ApiFamily;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswerGatesTest {

  /** A text answer and one with a tool call, in each family's shape. */
  private static final Map<ApiFamily, String[]> ANSWERS = Map.of(
      ApiFamily.OPENAI_CHAT, new String[] {
          "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}",
          "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\","
              + "\"type\":\"function\",\"function\":{\"name\":\"x\",\"arguments\":\"{}\"}}]}}]}"},
      ApiFamily.OPENAI_RESPONSES, new String[] {
          "{\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hi\"}]}]}",
          "{\"output\":[{\"type\":\"custom_tool_call\",\"name\":\"x\",\"input\":\"y\"}]}"},
      ApiFamily.ANTHROPIC_MESSAGES, new String[] {
          "{\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}],\"stop_reason\":\"end_turn\"}",
          "{\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"x\",\"input\":{}}]}"},
      ApiFamily.GEMINI, new String[] {
          "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}",
          "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"x\",\"args\":{}}}]}}]}"},
      ApiFamily.COHERE_CHAT, new String[] {
          "{\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}}",
          "{\"message\":{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"x\"}}]}}"},
      ApiFamily.BEDROCK_CONVERSE, new String[] {
          "{\"output\":{\"message\":{\"content\":[{\"text\":\"Hi\"}]}}}",
          "{\"output\":{\"message\":{\"content\":[{\"toolUse\":{\"toolUseId\":\"t\",\"name\":\"x\",\"input\":{}}}]}}}"});

  @Test
  void onlyAnAnswerThatMayHoldAToolCallIsRead() {
    ANSWERS.forEach((family, answers) -> {
      assertThat(AnswerGates.mayHoldToolCalls(family, Buffer.buffer(answers[0]))).as(family + " text").isFalse();
      assertThat(AnswerGates.mayHoldToolCalls(family, Buffer.buffer(answers[1]))).as(family + " call").isTrue();
      Buffer text = Buffer.buffer(answers[0]);
      assertThat(AnswerGates.rewrite(family, text, blocking()).body()).isSameAs(text);
    });
  }

  @Test
  void aMarkerSpelledWithEscapesIsStillRead() {
    // JSON lets a name be spelled with \\u escapes, which a parser reads as the name itself.
    Buffer escaped = Buffer.buffer("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
        + "\"\\u0074ool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"" + BLOCKED_TOOL
        + "\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}");
    assertThat(AnswerGates.mayHoldToolCalls(ApiFamily.OPENAI_CHAT, escaped)).isTrue();
    Rewritten rewritten = AnswerGates.rewrite(ApiFamily.OPENAI_CHAT, escaped, blocking());
    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    assertThat(rewritten.body().toString()).doesNotContain(BLOCKED_TOOL + "\",\"arguments");
  }
}
