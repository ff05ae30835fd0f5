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

import dev.portcullis.common.stream.sse.SseEvent;
import dev.portcullis.policy.answer.redact.CohereRedactGate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CohereRedactGateTest {

  private static Buffer stream(List<String> pieces) {
    return CohereStreamFixture.begin().text(0, pieces.toArray(String[]::new))
        .call(0, "get_weather_k8r4cqa3wg3p", "get_weather", "{\"city\":", "\"Paris\"}").end("TOOL_CALL").body();
  }

  private static CohereRedactGate gate(RedactSamples.Heard heard) {
    return new CohereRedactGate(BLOCK, REDACT, LOG, heard);
  }

  /** The text of content block 0 as a client joins it, checking that no delta comes after the block's end. */
  private static String text(Buffer out) {
    StringBuilder text = new StringBuilder();
    boolean ended = false;
    for (SseEvent event : GateRun.events(RedactSamples.text(out))) {
      JsonObject data = new JsonObject(event.data());
      assertThat(data.getString("type")).isEqualTo(event.event());
      if (event.event().equals("content-delta")) {
        assertThat(ended).as("no delta after content-end").isFalse();
        String piece = data.getJsonObject("delta").getJsonObject("message").getJsonObject("content").getString("text");
        assertThat(piece).isNotEmpty();
        text.append(piece);
      }
      ended |= event.event().equals("content-end");
    }
    return text.toString();
  }

  @Test
  void anEmailSplitAcrossDeltasIsRedactedInWhatTheClientAccumulates() {
    RedactSamples.Heard heard = new RedactSamples.Heard();
    CohereRedactGate gate = gate(heard);

    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(stream(EMAIL_PIECES)));

    RedactSamples.assertNoSecret(out);
    assertThat(text(out)).isEqualTo(EMAIL_REDACTED);
    RedactSamples.assertCounts(gate, Map.of("email", 1), Map.of(), null);
    assertThat(heard.findings).containsExactly("redact email");
    assertThat(RedactSamples.text(out)).contains("\"name\":\"get_weather\"").contains("\"finish_reason\":\"TOOL_CALL\"");
  }

  @Test
  void everySplitOfTheStreamGivesTheSameOutput() {
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(stream(EMAIL_PIECES), () -> gate(null));
    assertThat(text(out)).isEqualTo(EMAIL_REDACTED);
  }

  @Test
  void aPhoneNumberToLogPassesUntouchedAndIsCounted() {
    CohereRedactGate gate = gate(null);
    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(stream(PHONE_PIECES)));
    assertThat(text(out)).isEqualTo(String.join("", PHONE_PIECES));
    RedactSamples.assertCounts(gate, Map.of(), Map.of("phone", 1), null);
  }

  @Test
  void anAwsKeyToBlockEndsTheStreamWithAnErrorMessageEnd() {
    Buffer body = stream(AWS_PIECES);
    CohereRedactGate gate = gate(null);

    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    ResponsesCohereBedrockTesting.run(gate, List.of(body));

    RedactSamples.assertNoSecret(out);
    List<SseEvent> events = GateRun.events(RedactSamples.text(out));
    SseEvent last = events.get(events.size() - 1);
    assertThat(last.event()).isEqualTo("message-end");
    JsonObject delta = new JsonObject(last.data()).getJsonObject("delta");
    assertThat(delta.getString("finish_reason")).isEqualTo("ERROR");
    assertThat(delta.getString("error")).contains("aws-access-key");
    assertThat(new JsonObject(last.data()).getString("id")).isEqualTo("fba98ad3-e5a1-413c-a8de-84fbf9baabf7");
    assertThat(events).extracting(SseEvent::event).containsOnlyOnce("message-end").doesNotContain("tool-call-start");
    RedactSamples.assertCounts(gate, Map.of(), Map.of(), "aws-access-key");
  }

  @Test
  void aStreamWithNothingToFindGivesTheSameAnswer() {
    Buffer body = stream(PLAIN_PIECES);
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    assertThat(text(out)).isEqualTo(String.join("", PLAIN_PIECES)).isEqualTo(text(body));
  }
}
