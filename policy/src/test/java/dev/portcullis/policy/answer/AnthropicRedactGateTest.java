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

import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import dev.portcullis.common.stream.sse.SseEvent;
import dev.portcullis.policy.answer.redact.AnthropicRedactGate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AnthropicRedactGateTest {

  private static final String[] MESSAGE_START = {"message_start", "{\"type\":\"message_start\",\"message\":"
      + "{\"id\":\"msg_014p7gG3wDgGV9EUtLvnow3U\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
      + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":472,\"output_tokens\":2},\"content\":[],\"stop_reason\":null}}"};
  private static final String[] PING = {"ping", "{\"type\": \"ping\"}"};

  private static String quote(String text) {
    String array = new JsonArray().add(text).encode();
    return array.substring(1, array.length() - 1);
  }

  /** A text block in the given pieces, then a tool_use block, as Anthropic streams them. */
  private static String stream(List<String> pieces) {
    List<String[]> events = new ArrayList<>(List.of(MESSAGE_START,
        new String[] {"content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"},
        PING));
    pieces.forEach(p -> events.add(new String[] {"content_block_delta",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":" + quote(p) + "}}"}));
    events.add(new String[] {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"});
    events.add(new String[] {"content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
        + "{\"type\":\"tool_use\",\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\",\"name\":\"get_weather\",\"input\":{}}}"});
    events.add(new String[] {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
        + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}"});
    events.add(new String[] {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"});
    events.add(new String[] {"message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}"});
    events.add(new String[] {"message_stop", "{\"type\":\"message_stop\"}"});
    return GateRun.namedEvents(events);
  }

  private static AnthropicRedactGate gate(RedactSamples.Heard heard) {
    return new AnthropicRedactGate(BLOCK, REDACT, LOG, heard);
  }

  private static Message message(Buffer out) {
    return OfficialSdks.anthropicStream(RedactSamples.text(out)).message();
  }

  private static String text(Message message) {
    return message.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text())
        .collect(Collectors.joining());
  }

  @Test
  void anEmailSplitAcrossDeltasIsRedactedInWhatTheClientAccumulates() {
    Buffer body = Buffer.buffer(stream(EMAIL_PIECES));
    RedactSamples.Heard heard = new RedactSamples.Heard();
    AnthropicRedactGate gate = gate(heard);

    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(body));

    RedactSamples.assertNoSecret(out);
    Message message = message(out);
    assertThat(text(message)).isEqualTo(EMAIL_REDACTED);
    assertThat(message.content().get(1).asToolUse().name()).isEqualTo("get_weather");
    RedactSamples.assertCounts(gate, Map.of("email", 1), Map.of(), null);
    assertThat(heard.findings).containsExactly("redact email");
    // The held text goes out before the block's stop, in a delta at the block's index.
    List<SseEvent> events = GateRun.events(RedactSamples.text(out));
    int stop = indexOf(events, "{\"type\":\"content_block_stop\",\"index\":0}");
    assertThat(new JsonObject(events.get(stop - 1).data()).getJsonObject("delta").getString("text")).endsWith("Thanks.");
    // Events whose text was all held are left out: none carries an empty text.
    assertThat(events).filteredOn(e -> "content_block_delta".equals(e.event()))
        .allSatisfy(e -> assertThat(new JsonObject(e.data()).getJsonObject("delta").getValue("text")).isNotEqualTo(""));
  }

  private static int indexOf(List<SseEvent> events, String data) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).data().equals(data)) {
        return i;
      }
    }
    throw new AssertionError("no event " + data);
  }

  @Test
  void everySplitOfTheStreamGivesTheSameOutput() {
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(Buffer.buffer(stream(EMAIL_PIECES)), () -> gate(null));
    assertThat(text(message(out))).isEqualTo(EMAIL_REDACTED);
  }

  @Test
  void aPhoneNumberToLogPassesUntouchedAndIsCounted() {
    AnthropicRedactGate gate = gate(null);
    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(Buffer.buffer(stream(PHONE_PIECES))));
    assertThat(text(message(out))).isEqualTo(String.join("", PHONE_PIECES));
    RedactSamples.assertCounts(gate, Map.of(), Map.of("phone", 1), null);
  }

  @Test
  void anAwsKeyToBlockEndsTheStreamWithAnthropicsErrorEvent() {
    Buffer body = Buffer.buffer(stream(AWS_PIECES));
    AnthropicRedactGate gate = gate(null);

    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    ResponsesCohereBedrockTesting.run(gate, List.of(body));

    RedactSamples.assertNoSecret(out);
    List<SseEvent> events = GateRun.events(RedactSamples.text(out));
    SseEvent last = events.get(events.size() - 1);
    assertThat(last.event()).isEqualTo("error");
    assertThat(new JsonObject(last.data()).getJsonObject("error").getMap())
        .containsEntry("type", "permission_error").containsKey("message");
    assertThat(last.data()).contains("aws-access-key");
    assertThat(RedactSamples.text(out)).doesNotContain("get_weather").doesNotContain("message_stop");
    RedactSamples.assertCounts(gate, Map.of(), Map.of(), "aws-access-key");
    assertThatThrownBy(() -> message(out)).hasMessageContaining("aws-access-key");
  }

  @Test
  void aStreamWithNothingToFindGivesTheSameAnswer() {
    Buffer body = Buffer.buffer(stream(PLAIN_PIECES));
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, () -> gate(null));
    assertThat(text(message(out))).isEqualTo(String.join("", PLAIN_PIECES)).isEqualTo(text(message(body)));
    assertThat(message(out).content().get(1).asToolUse()._input()).isEqualTo(message(body).content().get(1).asToolUse()._input());
  }
}
