package dev.portcullis.policy.answer;

import static dev.portcullis.policy.answer.RedactSamples.AWS_PIECES;
import static dev.portcullis.policy.answer.RedactSamples.BLOCK;
import static dev.portcullis.policy.answer.RedactSamples.EMAIL_PIECES;
import static dev.portcullis.policy.answer.RedactSamples.EMAIL_REDACTED;
import static dev.portcullis.policy.answer.RedactSamples.LOG;
import static dev.portcullis.policy.answer.RedactSamples.PHONE_PIECES;
import static dev.portcullis.policy.answer.RedactSamples.PLAIN_PIECES;
import static dev.portcullis.policy.answer.RedactSamples.REDACT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.models.chat.completions.ChatCompletion;
import dev.portcullis.policy.answer.redact.OpenAiChatRedactGate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiChatRedactGateTest {

  private static final String HEAD = "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_eb9dce56a8\",";

  private static String chunk(String delta, String finishReason) {
    return HEAD + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
        + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}],\"usage\":null}";
  }

  private static final String USAGE = HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":82,\"completion_tokens\":17,"
      + "\"total_tokens\":99}}";

  /** A text answer streamed in the given pieces, as OpenAI streams one (with a usage chunk). */
  private static String stream(List<String> pieces) {
    List<String> events = new ArrayList<>();
    events.add(chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null));
    pieces.forEach(p -> events.add(chunk("{\"content\":" + quote(p) + "}", null)));
    events.add(chunk("{}", "stop"));
    events.add(USAGE);
    events.add("[DONE]");
    return GateRun.dataEvents(events);
  }

  private static String quote(String text) {
    String array = new JsonArray().add(text).encode();
    return array.substring(1, array.length() - 1);
  }

  private static OpenAiChatRedactGate gate(RedactSamples.Heard heard) {
    return new OpenAiChatRedactGate(BLOCK, REDACT, LOG, heard);
  }

  private static String content(Buffer out) {
    ChatCompletion completion = OfficialSdks.openAiStream(RedactSamples.text(out)).completion();
    return completion.choices().get(0).message().content().orElse("");
  }

  @Test
  void anEmailSplitAcrossDeltasIsRedactedInWhatTheClientAccumulates() {
    Buffer body = Buffer.buffer(stream(EMAIL_PIECES));
    RedactSamples.Heard heard = new RedactSamples.Heard();
    OpenAiChatRedactGate gate = gate(heard);

    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(body));

    RedactSamples.assertNoSecret(out);
    OfficialSdks.OpenAiStream read = OfficialSdks.openAiStream(RedactSamples.text(out));
    assertThat(read.completion().choices().get(0).message().content()).contains(EMAIL_REDACTED);
    assertThat(read.completion().choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(read.completion().usage().orElseThrow().totalTokens()).isEqualTo(99);
    RedactSamples.assertCounts(gate, Map.of("email", 1), Map.of(), null);
    assertThat(heard.findings).containsExactly("redact email");
    // The usage chunk and the end marker are the upstream's own bytes.
    assertThat(RedactSamples.text(out)).endsWith("data: " + USAGE + "\n\ndata: [DONE]\n\n");
  }

  @Test
  void everySplitOfTheStreamGivesTheSameOutput() {
    Buffer body = Buffer.buffer(stream(EMAIL_PIECES));
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    assertThat(content(out)).isEqualTo(EMAIL_REDACTED);
  }

  @Test
  void aPhoneNumberToLogPassesUntouchedAndIsCounted() {
    Buffer body = Buffer.buffer(stream(PHONE_PIECES));
    OpenAiChatRedactGate gate = gate(null);

    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(body));

    assertThat(content(out)).isEqualTo(String.join("", PHONE_PIECES));
    RedactSamples.assertCounts(gate, Map.of(), Map.of("phone", 1), null);
  }

  @Test
  void anAwsKeyToBlockEndsTheStreamWithOpenAisErrorEvent() {
    Buffer body = Buffer.buffer(stream(AWS_PIECES));
    RedactSamples.Heard heard = new RedactSamples.Heard();
    OpenAiChatRedactGate gate = gate(heard);

    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    ResponsesCohereBedrockTesting.run(gate, List.of(body));

    RedactSamples.assertNoSecret(out);
    String text = RedactSamples.text(out);
    String last = text.substring(text.lastIndexOf("data: "));
    assertThat(new JsonObject(last.substring(6).strip()).getJsonObject("error").getMap())
        .containsEntry("code", "sensitive_data_blocked").containsEntry("type", "permission_error");
    assertThat(last).contains("aws-access-key").endsWith("}\n\n");
    assertThat(text).doesNotContain("[DONE]").doesNotContain("Keep it safe");
    RedactSamples.assertCounts(gate, Map.of(), Map.of(), "aws-access-key");
    assertThat(heard.findings).containsExactly("block aws-access-key");
    assertThatThrownBy(() -> OfficialSdks.openAiStream(text)).hasMessageContaining("aws-access-key");
  }

  @Test
  void aStreamWithNothingToFindGivesTheSameAnswer() {
    Buffer body = Buffer.buffer(stream(PLAIN_PIECES));
    OpenAiChatRedactGate gate = gate(null);

    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));

    assertThat(content(out)).isEqualTo(String.join("", PLAIN_PIECES))
        .isEqualTo(content(body));
    ResponsesCohereBedrockTesting.run(gate, List.of(body));
    RedactSamples.assertCounts(gate, Map.of(), Map.of(), null);
  }

  @Test
  void withoutRulesEveryBytePassesAsItCame() {
    Buffer body = Buffer.buffer(stream(EMAIL_PIECES));
    assertThat(ResponsesCohereBedrockTesting.run(new OpenAiChatRedactGate(null, null, null, null), List.of(body)))
        .isEqualTo(body);
  }

  @Test
  void textHeldWhenAChoiceNeverFinishesGoesOutBeforeDone() {
    String body = GateRun.dataEvents(List.of(chunk("{\"content\":\"Mail jane.doe+llm@example.co.uk\"}", null),
        "[DONE]"));
    Buffer out = ResponsesCohereBedrockTesting.run(gate(null), List.of(Buffer.buffer(body)));
    StringBuilder content = new StringBuilder();
    GateRun.events(RedactSamples.text(out)).stream().filter(e -> !e.data().equals("[DONE]"))
        .forEach(e -> content.append(new JsonObject(e.data()).getJsonArray("choices").getJsonObject(0)
            .getJsonObject("delta").getString("content")));
    assertThat(content.toString()).isEqualTo("Mail [REDACTED:email]");
    assertThat(RedactSamples.text(out)).endsWith("data: [DONE]\n\n");
  }
}
