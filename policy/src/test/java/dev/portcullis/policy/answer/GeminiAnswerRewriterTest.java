package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiAnswerRewriterTest {

  private final GeminiAnswerRewriter rewriter = new GeminiAnswerRewriter();

  static final String TEXT = "{\"text\":\"I'll take care of that.\"}";
  static final String DELETE = "{\"functionCall\":{\"name\":\"delete_repository\",\"args\":{\"repo\":\"acme/payroll\"}},"
      + "\"thoughtSignature\":\"CiQB0e2Kb3x9Ym9ndXNzaWduYXR1cmU=\"}";
  static final String WEATHER = "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}}";

  static String response(String... parts) {
    return """
        {"candidates":[{"content":{"parts":[%s],"role":"model"},"finishReason":"STOP","index":0}],\
        "usageMetadata":{"promptTokenCount":61,"candidatesTokenCount":18,"totalTokenCount":185,"thoughtsTokenCount":106,\
        "promptTokensDetails":[{"modality":"TEXT","tokenCount":61}]},\
        "modelVersion":"gemini-2.5-flash","responseId":"qyvBaO3lMNGT7M8P2u6w-Qg"}""".formatted(String.join(",", parts));
  }

  @Test
  void anAllowedCallLeavesTheAnswerUntouched() {
    Buffer body = Buffer.buffer(response(TEXT, WEATHER));
    RecordingJudge judge = RecordingJudge.blocking("delete_repository");

    Rewritten rewritten = rewriter.rewrite(body, judge);

    assertThat(rewritten.body()).isSameAs(body);
    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("get_weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void aBlockedCallBecomesATextPartWhereItStood() {
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(response(TEXT, DELETE)), RecordingJudge.blocking("delete_repository"));

    assertThat(rewritten.blockedCalls()).isEqualTo(1);
    String body = rewritten.body().toString();
    assertNothingOfTheBlockedCall(body);
    JsonObject candidate = new JsonObject(body).getJsonArray("candidates").getJsonObject(0);
    assertThat(candidate.getString("finishReason")).isEqualTo("STOP");
    assertThat(candidate.getJsonObject("content").getJsonArray("parts")).isEqualTo(new JsonArray()
        .add(new JsonObject(TEXT)).add(new JsonObject().put("text", RecordingJudge.MESSAGE)));
    assertThat(new JsonObject(body).getJsonObject("usageMetadata").getInteger("totalTokenCount")).isEqualTo(185);
  }

  @Test
  void ofTwoParallelCallsTheAllowedOneStaysAndEveryCandidateIsRead() {
    String twoCandidates = response(DELETE, WEATHER).replace("\"index\":0}]",
        "\"index\":0},{\"content\":{\"parts\":[" + DELETE + "],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":1}]");
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(twoCandidates), RecordingJudge.blocking("delete_repository"));

    assertThat(rewritten.blockedCalls()).isEqualTo(2);
    assertNothingOfTheBlockedCall(rewritten.body().toString());
    JsonArray candidates = new JsonObject(rewritten.body().toString()).getJsonArray("candidates");
    assertThat(candidates.getJsonObject(0).getJsonObject("content").getJsonArray("parts")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("text", RecordingJudge.MESSAGE)).add(new JsonObject(WEATHER)));
    assertThat(candidates.getJsonObject(1).getJsonObject("content").getJsonArray("parts")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("text", RecordingJudge.MESSAGE)));
  }

  @Test
  void junkIsPassedAsItCame() {
    for (String junk : List.of("", "nope", "[]", "{\"candidates\":{}}", "{\"candidates\":[1,{\"content\":7}]}",
        "{\"error\":{\"code\":429,\"message\":\"Resource exhausted\",\"status\":\"RESOURCE_EXHAUSTED\"}}",
        "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}")) {
      Buffer body = Buffer.buffer(junk);
      assertThat(rewriter.rewrite(body, RecordingJudge.blocking("")).body()).as(junk).isSameAs(body);
    }
  }

  @Test
  void aCallThatCannotBeReadIsJudgedByWhatThereIs() {
    RecordingJudge judge = RecordingJudge.blocking("", "delete_repository");
    Rewritten rewritten = rewriter.rewrite(Buffer.buffer(response("{\"functionCall\":\"delete everything\"}",
        "{\"functionCall\":{\"name\":\"delete_repository\",\"args\":[\"acme/payroll\"]}}")), judge);

    assertThat(judge.judged).containsExactly(new RecordingJudge.Judged("", "{}"),
        new RecordingJudge.Judged("delete_repository", "{}"));
    assertThat(rewritten.blockedCalls()).isEqualTo(2);
    assertThat(rewritten.body().toString()).doesNotContain("delete everything", "acme/payroll");
  }

  static void assertNothingOfTheBlockedCall(String body) {
    assertThat(body).doesNotContain("delete_repository", "acme/payroll", "thoughtSignature");
  }
}
