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
import dev.portcullis.policy.answer.redact.GeminiRedactGate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class GeminiRedactGateTest {

  /** One chunk per piece, the last with finishReason STOP and usage, as Gemini streams text. */
  private static List<JsonObject> chunks(List<String> pieces, boolean finish) {
    List<JsonObject> chunks = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      JsonObject candidate = new JsonObject().put("content", new JsonObject()
          .put("parts", new JsonArray().add(new JsonObject().put("text", pieces.get(i)))).put("role", "model"))
          .put("index", 0);
      JsonObject chunk = new JsonObject().put("candidates", new JsonArray().add(candidate))
          .put("modelVersion", "gemini-2.5-flash").put("responseId", "mZ5JaPL2Ib7Wz7IPn8ilsQo");
      if (finish && i == pieces.size() - 1) {
        candidate.put("finishReason", "STOP");
        chunk.put("usageMetadata", new JsonObject().put("promptTokenCount", 9).put("candidatesTokenCount", 120)
            .put("totalTokenCount", 129));
      }
      chunks.add(chunk);
    }
    return chunks;
  }

  private static Buffer sse(List<JsonObject> chunks) {
    StringBuilder body = new StringBuilder();
    chunks.forEach(c -> body.append("data: ").append(c.encode()).append("\r\n\r\n"));
    return Buffer.buffer(body.toString());
  }

  private static Buffer array(List<JsonObject> chunks) {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < chunks.size(); i++) {
      body.append(i == 0 ? "" : ",\r\n").append(chunks.get(i).encode());
    }
    return Buffer.buffer(body.append("]").toString());
  }

  private static Supplier<GeminiRedactGate> sseGates(RedactSamples.Heard heard) {
    return () -> GeminiRedactGate.sse(BLOCK, REDACT, LOG, heard);
  }

  private static Supplier<GeminiRedactGate> arrayGates(RedactSamples.Heard heard) {
    return () -> GeminiRedactGate.jsonArray(BLOCK, REDACT, LOG, heard);
  }

  /** The chunks of either framing, as a client reads them. */
  private static List<JsonObject> read(Buffer out) {
    String text = RedactSamples.text(out);
    if (text.startsWith("[")) {
      return new JsonArray(text).stream().map(JsonObject.class::cast).toList();
    }
    return GateRun.events(text).stream().map(SseEvent::data).map(JsonObject::new).toList();
  }

  /** The answer's text as the SDKs' {@code text} joins it: every text part of candidate 0. */
  private static String text(Buffer out) {
    StringBuilder text = new StringBuilder();
    for (JsonObject chunk : read(out)) {
      assertThat(chunk.containsKey("error")).as("no error chunk").isFalse();
      for (Object part : chunk.getJsonArray("candidates").getJsonObject(0).getJsonObject("content").getJsonArray("parts")) {
        text.append(((JsonObject) part).getString("text", ""));
      }
    }
    return text.toString();
  }

  @Test
  void anEmailSplitAcrossChunksIsRedactedInBothFramings() {
    for (Buffer body : List.of(sse(chunks(EMAIL_PIECES, true)), array(chunks(EMAIL_PIECES, true)))) {
      RedactSamples.Heard heard = new RedactSamples.Heard();
      GeminiRedactGate gate = (body.getByte(0) == '[' ? arrayGates(heard) : sseGates(heard)).get();

      Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(body));

      RedactSamples.assertNoSecret(out);
      assertThat(text(out)).isEqualTo(EMAIL_REDACTED);
      List<JsonObject> chunks = read(out);
      assertThat(chunks).hasSize(EMAIL_PIECES.size());
      assertThat(chunks.get(chunks.size() - 1).getJsonObject("usageMetadata").getInteger("totalTokenCount")).isEqualTo(129);
      RedactSamples.assertCounts(gate, Map.of("email", 1), Map.of(), null);
      assertThat(heard.findings).containsExactly("redact email");
    }
  }

  @Test
  void everySplitOfTheStreamGivesTheSameOutput() {
    assertThat(text(ResponsesCohereBedrockTesting.sameAtEverySplit(sse(chunks(EMAIL_PIECES, true)), sseGates(null)::get)))
        .isEqualTo(EMAIL_REDACTED);
    assertThat(text(ResponsesCohereBedrockTesting.sameAtEverySplit(array(chunks(EMAIL_PIECES, true)), arrayGates(null)::get)))
        .isEqualTo(EMAIL_REDACTED);
  }

  @Test
  void textHeldAtTheEndOfAStreamWithoutFinishReasonGoesOutInAChunkOfItsOwn() {
    Buffer sseOut = ResponsesCohereBedrockTesting.run(sseGates(null).get(), List.of(sse(chunks(EMAIL_PIECES, false))));
    Buffer arrayOut = ResponsesCohereBedrockTesting.run(arrayGates(null).get(), List.of(array(chunks(EMAIL_PIECES, false))));
    assertThat(text(sseOut)).isEqualTo(EMAIL_REDACTED);
    assertThat(text(arrayOut)).isEqualTo(EMAIL_REDACTED);
    assertThat(read(arrayOut)).hasSize(EMAIL_PIECES.size() + 1);
  }

  @Test
  void aPhoneNumberToLogPassesUntouchedAndIsCounted() {
    GeminiRedactGate gate = sseGates(null).get();
    Buffer out = ResponsesCohereBedrockTesting.run(gate, List.of(sse(chunks(PHONE_PIECES, true))));
    assertThat(text(out)).isEqualTo(String.join("", PHONE_PIECES));
    RedactSamples.assertCounts(gate, Map.of(), Map.of("phone", 1), null);
  }

  @Test
  void anAwsKeyToBlockEndsTheStreamWithAnErrorChunk() {
    Buffer sseOut = ResponsesCohereBedrockTesting.sameAtEverySplit(sse(chunks(AWS_PIECES, true)), sseGates(null)::get);
    Buffer arrayOut = ResponsesCohereBedrockTesting.sameAtEverySplit(array(chunks(AWS_PIECES, true)), arrayGates(null)::get);
    for (Buffer out : List.of(sseOut, arrayOut)) {
      RedactSamples.assertNoSecret(out);
      List<JsonObject> chunks = read(out);
      JsonObject error = chunks.get(chunks.size() - 1).getJsonObject("error");
      assertThat(error.getInteger("code")).isEqualTo(403);
      assertThat(error.getString("status")).isEqualTo("PERMISSION_DENIED");
      assertThat(error.getString("message")).contains("aws-access-key");
      assertThat(RedactSamples.text(out)).doesNotContain("usageMetadata");
    }
    assertThat(RedactSamples.text(arrayOut)).endsWith("}]");
    GeminiRedactGate gate = sseGates(null).get();
    ResponsesCohereBedrockTesting.run(gate, List.of(sse(chunks(AWS_PIECES, true))));
    RedactSamples.assertCounts(gate, Map.of(), Map.of(), "aws-access-key");
  }

  @Test
  void aStreamWithNothingToFindGivesTheSameAnswer() {
    Buffer body = array(chunks(PLAIN_PIECES, true));
    Buffer out = ResponsesCohereBedrockTesting.sameAtEverySplit(body, arrayGates(null)::get);
    assertThat(text(out)).isEqualTo(String.join("", PLAIN_PIECES)).isEqualTo(text(body));
  }
}
