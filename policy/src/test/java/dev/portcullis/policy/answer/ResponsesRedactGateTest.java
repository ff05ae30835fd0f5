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
import dev.portcullis.policy.answer.redact.ResponsesRedactGate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesRedactGateTest {

  /** A message streamed in the given pieces, then a function call, then response.completed. */
  private static Buffer stream(List<String> pieces) {
    return ResponsesStreamFixture.begin().text("msg_67ccf190ca3881909d433c50b1f6357e", pieces.toArray(String[]::new))
        .call("fc_67ccf18f64008190a39b619f4c8455ef", "call_unLAR8MvFNptuiZK6K6HCy5k", "get_weather", "{\"city\":",
            "\"Paris\"}")
        .completed().body();
  }

  private static ResponsesRedactGate gate(RedactSamples.Heard heard) {
    return new ResponsesRedactGate(BLOCK, REDACT, LOG, heard);
  }

  /** The texts the client has: the deltas joined, and each event that repeats the whole text. */
  private record Read(String deltas, String done, String partDone, String itemDone, String completed) {
    static Read of(Buffer out) {
      StringBuilder deltas = new StringBuilder();
      String done = null;
      String partDone = null;
      String itemDone = null;
      String completed = null;
      long last = -1;
      for (SseEvent event : GateRun.events(RedactSamples.text(out))) {
        JsonObject data = new JsonObject(event.data());
        assertThat(data.getString("type")).isEqualTo(event.event());
        assertThat(data.getLong("sequence_number")).as("sequence numbers increase").isGreaterThan(last);
        last = data.getLong("sequence_number");
        switch (event.event()) {
          case "response.output_text.delta" -> deltas.append(data.getString("delta"));
          case "response.output_text.done" -> done = data.getString("text");
          case "response.content_part.done" -> partDone = data.getJsonObject("part").getString("text");
          case "response.output_item.done" -> {
            if (data.getJsonObject("item").getString("type").equals("message")) {
              itemDone = data.getJsonObject("item").getJsonArray("content").getJsonObject(0).getString("text");
            }
          }
          case "response.completed" -> completed = data.getJsonObject("response").getJsonArray("output")
              .getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text");
          default -> { }
        }
      }
      return new Read(deltas.toString(), done, partDone, itemDone, completed);
    }

    void allAre(String text) {
      assertThat(List.of(deltas, done, partDone, itemDone, completed)).containsOnly(text);
    }
  }

  @Test
  void anEmailSplitAcrossDeltasIsRedactedInEveryTextTheClientGets() {
    RedactSamples.Heard heard = new RedactSamples.Heard();
    ResponsesRedactGate gate = gate(heard);

    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(stream(EMAIL_PIECES)));

    RedactSamples.assertNoSecret(out);
    Read.of(out).allAre(EMAIL_REDACTED);
    RedactSamples.assertCounts(gate, Map.of("email", 1), Map.of(), null);
    assertThat(heard.findings).containsExactly("redact email");
    assertThat(RedactSamples.text(out)).contains("\"name\":\"get_weather\"");
  }

  @Test
  void everySplitOfTheStreamGivesTheSameOutput() {
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(stream(EMAIL_PIECES), () -> gate(null));
    Read.of(out).allAre(EMAIL_REDACTED);
  }

  @Test
  void aPhoneNumberToLogPassesUntouchedAndIsCounted() {
    ResponsesRedactGate gate = gate(null);
    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(stream(PHONE_PIECES)));
    Read.of(out).allAre(String.join("", PHONE_PIECES));
    RedactSamples.assertCounts(gate, Map.of(), Map.of("phone", 1), null);
  }

  @Test
  void anAwsKeyToBlockEndsTheStreamWithAnErrorEvent() {
    Buffer body = stream(AWS_PIECES);
    ResponsesRedactGate gate = gate(null);

    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    ResponsesCohereBedrockTesting.run(gate, List.of(body));

    RedactSamples.assertNoSecret(out);
    List<SseEvent> events = GateRun.events(RedactSamples.text(out));
    SseEvent last = events.get(events.size() - 1);
    assertThat(last.event()).isEqualTo("error");
    JsonObject error = new JsonObject(last.data());
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getString("code")).isEqualTo("sensitive_data_blocked");
    assertThat(error.getString("message")).contains("aws-access-key");
    assertThat(error.getLong("sequence_number")).isGreaterThan(
        new JsonObject(events.get(events.size() - 2).data()).getLong("sequence_number"));
    assertThat(RedactSamples.text(out)).doesNotContain("response.completed").doesNotContain("get_weather");
    RedactSamples.assertCounts(gate, Map.of(), Map.of(), "aws-access-key");
  }

  @Test
  void aStreamWithNothingToFindGivesTheSameAnswer() {
    Buffer body = stream(PLAIN_PIECES);
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    Read.of(out).allAre(String.join("", PLAIN_PIECES));
    // Every event but the text deltas is the upstream's, only renumbered after the gate's own delta.
    assertThat(withoutDeltas(out)).isEqualTo(withoutDeltas(body));
  }

  private static List<JsonObject> withoutDeltas(Buffer stream) {
    return GateRun.events(RedactSamples.text(stream)).stream()
        .filter(e -> !e.event().equals("response.output_text.delta"))
        .map(e -> {
          JsonObject data = new JsonObject(e.data());
          data.remove("sequence_number");
          return data;
        })
        .toList();
  }
}
