package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.chat.completions.ChatCompletion;
import dev.portcullis.policy.answer.redact.OpenAiChatRedactGate;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tool-call gate and the redaction gate chained, as the gateway runs them. */
class StreamGatesRedactTest {

  private static final String HEAD = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
      + "\"model\":\"gpt-4o\",";

  private static String chunk(String delta, String finishReason) {
    return HEAD + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
        + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
  }

  @Test
  void theRedactionGateSeesWhatTheToolCallGateReleases() {
    String body = GateRun.dataEvents(List.of(
        chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
        chunk("{\"content\":\"Mail jane.doe+l\"}", null),
        chunk("{\"content\":\"lm@example.co.uk, then \"}", null),
        chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
            + "{\"name\":\"delete_repository\",\"arguments\":\"\"}}]}", null),
        chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"repo\\\":\\\"x\\\"}\"}}]}", null),
        chunk("{}", "tool_calls"),
        "[DONE]"));
    OpenAiChatStreamGate tools = new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository"));
    OpenAiChatRedactGate redact = new OpenAiChatRedactGate(RedactSamples.BLOCK, RedactSamples.REDACT, RedactSamples.LOG, null);

    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(Buffer.buffer(body),
        () -> StreamGates.chain(new OpenAiChatStreamGate(RecordingJudge.blocking("delete_repository")),
            new OpenAiChatRedactGate(RedactSamples.BLOCK, RedactSamples.REDACT, RedactSamples.LOG, null)));
    StreamGate chained = StreamGates.chain(tools, redact);
    assertThat(ResponsesCohereBedrockTesting.run(chained, List.of(Buffer.buffer(body)))).isEqualTo(out);

    RedactSamples.assertNoSecret(out);
    assertThat(chained.blockedCalls()).isEqualTo(1);
    assertThat(redact.redacted()).isEqualTo(Map.of("email", 1));
    ChatCompletion.Choice choice = OfficialSdks.openAiStream(RedactSamples.text(out)).completion().choices().get(0);
    assertThat(choice.message().content().orElseThrow())
        .startsWith("Mail [REDACTED:email], then ").contains(RecordingJudge.MESSAGE);
    assertThat(choice.message().toolCalls().orElse(List.of())).isEmpty();
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
  }
}
