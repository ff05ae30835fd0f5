package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.stream.sse.SseEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class GeminiStreamGateTest {

  private static String chunk(String finishReason, String... parts) {
    return "{\"candidates\":[{\"content\":{\"parts\":[" + String.join(",", parts) + "],\"role\":\"model\"}"
        + (finishReason == null ? "" : ",\"finishReason\":\"" + finishReason + "\"") + ",\"index\":0}],"
        + "\"usageMetadata\":{\"promptTokenCount\":61,\"candidatesTokenCount\":18,\"totalTokenCount\":79},"
        + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"qyvBaO3lMNGT7M8P2u6w-Qg\"}";
  }

  private static final String TEXT_1 = chunk(null, "{\"text\":\"Let me \"}");
  private static final String TEXT_2 = chunk(null, "{\"text\":\"check.\"}");
  private static final String DELETE_CHUNK = chunk("STOP", GeminiAnswerRewriterTest.DELETE);
  private static final String WEATHER_CHUNK = chunk("STOP", GeminiAnswerRewriterTest.WEATHER);
  private static final String BOTH_CHUNK = chunk("STOP", GeminiAnswerRewriterTest.DELETE, GeminiAnswerRewriterTest.WEATHER);

  /** {@code alt=sse}: each chunk a data event ended by CRLF CRLF, as Google sends it. */
  private static String sse(String... chunks) {
    StringBuilder body = new StringBuilder();
    for (String chunk : chunks) {
      body.append("data: ").append(chunk).append("\r\n\r\n");
    }
    return body.toString();
  }

  /** Without {@code alt=sse}: one JSON array, written an element at a time. */
  private static String array(String... chunks) {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < chunks.length; i++) {
      body.append(i == 0 ? "" : ",\r\n").append(chunks[i]);
    }
    return body.append("]").toString();
  }

  private static Supplier<StreamGate> sseGates(RecordingJudge judge) {
    return () -> GeminiStreamGate.sse(judge);
  }

  private static Supplier<StreamGate> arrayGates(RecordingJudge judge) {
    return () -> GeminiStreamGate.jsonArray(judge);
  }

  @Test
  void anAllowedCallPassesByteForByte() {
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    String sse = sse(TEXT_1, TEXT_2, WEATHER_CHUNK);
    String array = array(TEXT_1, TEXT_2, WEATHER_CHUNK);

    assertThat(GateRun.sameAtEverySplit(sseGates(judge), sse)).isEqualTo(sse);
    assertThat(GateRun.sameAtEverySplit(arrayGates(judge), array)).isEqualTo(array);
    assertThat(judge.judged).allSatisfy(j -> assertThat(j).isEqualTo(new RecordingJudge.Judged("get_weather", "{\"city\":\"Paris\"}")));
  }

  @Test
  void aBlockedCallBecomesATextPartAndOtherChunksAreUntouched() {
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    StreamGate sseGate = GeminiStreamGate.sse(judge);
    String sseOut = GateRun.whole(sseGate, sse(TEXT_1, TEXT_2, DELETE_CHUNK));

    assertThat(sseGate.blockedCalls()).isEqualTo(1);
    assertThat(sseOut).startsWith(sse(TEXT_1, TEXT_2)).endsWith("\r\n\r\n");
    GeminiAnswerRewriterTest.assertNothingOfTheBlockedCall(sseOut);
    List<JsonObject> sseChunks = GateRun.events(sseOut).stream().map(SseEvent::data).map(JsonObject::new).toList();
    assertThat(textOf(sseChunks)).isEqualTo("Let me check." + RecordingJudge.MESSAGE);
    assertThat(callsOf(sseChunks)).isEmpty();
    assertThat(sseChunks.get(2).getJsonArray("candidates").getJsonObject(0).getString("finishReason")).isEqualTo("STOP");
    assertThat(sseChunks.get(2).getJsonObject("usageMetadata").getInteger("totalTokenCount")).isEqualTo(79);
    assertThat(GateRun.sameAtEverySplit(sseGates(judge), sse(TEXT_1, TEXT_2, DELETE_CHUNK))).isEqualTo(sseOut);

    StreamGate arrayGate = GeminiStreamGate.jsonArray(judge);
    String arrayOut = GateRun.whole(arrayGate, array(TEXT_1, TEXT_2, DELETE_CHUNK));
    assertThat(arrayGate.blockedCalls()).isEqualTo(1);
    assertThat(arrayOut).startsWith("[" + TEXT_1 + ",\r\n" + TEXT_2 + ",\r\n").endsWith("]");
    GeminiAnswerRewriterTest.assertNothingOfTheBlockedCall(arrayOut);
    List<JsonObject> arrayChunks = new JsonArray(arrayOut).stream().map(JsonObject.class::cast).toList();
    assertThat(textOf(arrayChunks)).isEqualTo("Let me check." + RecordingJudge.MESSAGE);
    assertThat(GateRun.sameAtEverySplit(arrayGates(judge), array(TEXT_1, TEXT_2, DELETE_CHUNK))).isEqualTo(arrayOut);
  }

  @Test
  void ofTwoParallelCallsTheAllowedOneStays() {
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    StreamGate sseGate = GeminiStreamGate.sse(judge);
    String sseOut = GateRun.whole(sseGate, sse(TEXT_1, BOTH_CHUNK));
    StreamGate arrayGate = GeminiStreamGate.jsonArray(judge);
    String arrayOut = GateRun.whole(arrayGate, array(TEXT_1, BOTH_CHUNK));

    for (String out : List.of(sseOut, arrayOut)) {
      GeminiAnswerRewriterTest.assertNothingOfTheBlockedCall(out);
    }
    List<JsonObject> sseChunks = GateRun.events(sseOut).stream().map(SseEvent::data).map(JsonObject::new).toList();
    List<JsonObject> arrayChunks = new JsonArray(arrayOut).stream().map(JsonObject.class::cast).toList();
    for (List<JsonObject> chunks : List.of(sseChunks, arrayChunks)) {
      assertThat(textOf(chunks)).isEqualTo("Let me " + RecordingJudge.MESSAGE);
      assertThat(callsOf(chunks)).containsExactly("get_weather");
    }
    assertThat(sseGate.blockedCalls()).isEqualTo(1);
    assertThat(arrayGate.blockedCalls()).isEqualTo(1);
  }

  @Test
  void textGoesOnAsSoonAsItsChunkIsWhole() {
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    StreamGate gate = GeminiStreamGate.jsonArray(judge);
    Buffer out = Buffer.buffer();

    gate.accept(Buffer.buffer("["), out::appendBuffer);
    assertThat(out.toString()).isEqualTo("[");
    gate.accept(Buffer.buffer(TEXT_1.substring(0, 40)), out::appendBuffer);
    assertThat(out.toString()).isEqualTo("[");
    gate.accept(Buffer.buffer(TEXT_1.substring(40) + ",\r\n"), out::appendBuffer);
    assertThat(out.toString()).isEqualTo("[" + TEXT_1 + ",\r\n");
    gate.accept(Buffer.buffer(DELETE_CHUNK.substring(0, DELETE_CHUNK.length() - 1)), out::appendBuffer);
    assertThat(out.toString()).isEqualTo("[" + TEXT_1 + ",\r\n");
    assertThat(judge.judged).isEmpty();
    gate.accept(Buffer.buffer("}"), out::appendBuffer);
    assertThat(judge.judged).hasSize(1);
    assertThat(out.toString()).contains(RecordingJudge.MESSAGE).doesNotContain("delete_repository");

    StreamGate sseGate = GeminiStreamGate.sse(judge);
    List<Buffer> sseOut = new ArrayList<>();
    Buffer first = Buffer.buffer(sse(TEXT_1));
    sseGate.accept(first, sseOut::add);
    assertThat(sseOut).containsExactly(first);
  }

  @Test
  void junkPassesWithoutHarm() {
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");
    String sseJunk = ": hi\r\n\r\ndata: not json\r\n\r\ndata: {\"error\":{\"code\":500,\"message\":\"Internal\",\"status\":\"INTERNAL\"}}\r\n\r\n"
        + "data: {\"candidates\":[{\"content\":{\"parts\":7}}]}\r\n\r\n" + sse(TEXT_1);
    assertThat(GateRun.whole(GeminiStreamGate.sse(judge), sseJunk)).isEqualTo(sseJunk);

    String arrayJunk = "[{\"error\":{\"code\":500}} , [1,2],\n{\"candidates\":\"x\"}," + TEXT_1 + "]\n";
    assertThat(GateRun.sameAtEverySplit(arrayGates(judge), arrayJunk)).isEqualTo(arrayJunk);

    // Framing that cannot be followed: what came before goes on, nothing after it does.
    String broken = "[" + TEXT_1 + "}}" + DELETE_CHUNK + "]";
    String out = GateRun.whole(GeminiStreamGate.jsonArray(judge), broken);
    assertThat(out).isEqualTo("[" + TEXT_1);
    String cut = "[" + TEXT_1 + ",\r\n" + DELETE_CHUNK.substring(0, 120);
    assertThat(GateRun.whole(GeminiStreamGate.jsonArray(judge), cut)).isEqualTo("[" + TEXT_1 + ",\r\n");
  }

  private static String textOf(List<JsonObject> chunks) {
    StringBuilder text = new StringBuilder();
    for (JsonObject chunk : chunks) {
      for (Object part : chunk.getJsonArray("candidates").getJsonObject(0).getJsonObject("content").getJsonArray("parts")) {
        text.append(((JsonObject) part).getString("text", ""));
      }
    }
    return text.toString();
  }

  private static List<String> callsOf(List<JsonObject> chunks) {
    List<String> names = new ArrayList<>();
    for (JsonObject chunk : chunks) {
      for (Object part : chunk.getJsonArray("candidates").getJsonObject(0).getJsonObject("content").getJsonArray("parts")) {
        JsonObject call = ((JsonObject) part).getJsonObject("functionCall");
        if (call != null) {
          names.add(call.getString("name"));
        }
      }
    }
    return names;
  }
}
