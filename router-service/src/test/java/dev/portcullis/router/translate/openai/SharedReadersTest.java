package dev.portcullis.router.translate.openai;

import static dev.portcullis.router.translate.openai.JsonFixtures.assertJson;
import static dev.portcullis.router.translate.openai.JsonFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.error.format.OpenAiErrorFormat;
import dev.portcullis.router.translate.ResponseContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedReadersTest {

  @Test
  void customToolsAndLegacyFunctionsAreRejected() {
    assertParam(() -> ToolSelection.read(json("""
        {"tools":[{"type":"function","function":{"name":"a"}},{"type":"custom","custom":{"name":"grammar"}}]}""")), "tools[1].type");
    assertParam(() -> ToolSelection.read(json("{\"functions\":[{\"name\":\"a\"}]}")), "functions");
    assertParam(() -> ToolSelection.read(json("""
        {"tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}}""")), "tool_choice");
    assertParam(() -> ToolSelection.read(json("{\"tool_choice\":\"sometimes\"}")), "tool_choice");
  }

  @Test
  void streamIsAJsonBooleanOrAbsentNeverAString() {
    assertThat(ChatRequestReader.streaming(json("{\"stream\":true}"))).isTrue();
    assertThat(ChatRequestReader.streaming(json("{\"stream\":false}"))).isFalse();
    assertThat(ChatRequestReader.streaming(json("{\"stream\":null}"))).isFalse();
    assertThat(ChatRequestReader.streaming(json("{}"))).isFalse();
    // The gateway relays a stream only for a JSON true; "true" must not make a translator ask for one.
    assertParam(() -> ChatRequestReader.streaming(json("{\"stream\":\"true\"}")), "stream");
    assertParam(() -> ChatRequestReader.streaming(json("{\"stream\":1}")), "stream");
  }

  @Test
  void dataUrlsMustBeBase64WithAMimeType() {
    assertThat(DataUrl.parse("data:Image/PNG;base64,AAAA", "p")).isEqualTo(new DataUrl("image/png", "AAAA"));
    assertParam(() -> DataUrl.parse("data:text/plain,hello", "messages[0].content[0]"), "messages[0].content[0]");
    assertParam(() -> DataUrl.parse("data:;base64,AAAA", "x"), "x");
  }

  @Test
  void stopAcceptsStringOrArrayOnly() {
    assertThat(ChatRequestReader.stop(json("{\"stop\":\"a\"}"))).containsExactly("a");
    assertThat(ChatRequestReader.stop(json("{\"stop\":[\"a\",\"b\"]}"))).containsExactly("a", "b");
    assertThat(ChatRequestReader.stop(json("{}"))).isNull();
    assertParam(() -> ChatRequestReader.stop(json("{\"stop\":[1]}")), "stop[0]");
  }

  @Test
  void maxCompletionTokensWinsOverMaxTokens() {
    assertThat(ChatRequestReader.maxTokens(json("{\"max_tokens\":5,\"max_completion_tokens\":9}"))).isEqualTo(9);
    assertThat(ChatRequestReader.maxTokens(json("{\"max_tokens\":5}"))).isEqualTo(5);
    assertThat(ChatRequestReader.maxTokens(json("{}"))).isNull();
  }

  @Test
  void aStreamThatEndsWithoutAReasonFinishesWithStopAndKeepsItsFirstIdentity() {
    ChunkStream stream = new ChunkStream(new ResponseContext("m", "fallback", 1, false));
    List<ObjectNode> out = new java.util.ArrayList<>();
    stream.content(out, "x");
    stream.identify("late-id", "late-model");
    out.addAll(stream.finish());
    assertThat(out).hasSize(3).allSatisfy(chunk -> {
      assertThat(chunk.get("id").asText()).isEqualTo("fallback");
      assertThat(chunk.get("model").asText()).isEqualTo("m");
    });
    assertThat(out.get(2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(stream.finish()).isEmpty();
  }

  @Test
  void responseContextReadsModelAndIncludeUsageFromTheRequest() {
    assertThat(ResponseContext.of(json("{\"model\":\"gemini:g\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"), "id", 3))
        .isEqualTo(new ResponseContext("gemini:g", "id", 3, true));
    assertThat(ResponseContext.of(json("{\"model\":\"gemini:g\"}"), "id", 3).includeUsage()).isFalse();
  }

  /** A translation failure is a {@code GatewayException}; the gateway renders its error in OpenAI's format. */
  @Test
  void translationFailuresRenderAsOpenAi400WithParam() {
    GatewayError error = GatewayError.invalidRequest("messages[2].content[1]: nope", "messages[2].content[1]");
    assertThat(error.status()).isEqualTo(400);
    assertJson(json(OpenAiErrorFormat.INSTANCE.body(error).toString()), """
        {"error":{"message":"messages[2].content[1]: nope","type":"invalid_request_error","param":"messages[2].content[1]","code":null}}""");
  }

  private static void assertParam(Runnable call, String param) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().param()).isEqualTo(param));
  }
}
