package dev.portcullis.provider.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.testkit.OpenAiWire;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI readers (OpenAI, Azure OpenAI and every OpenAI-compatible provider) take the cached
 * and reasoning details of chat completions and of the Responses API, whole and streamed; where an
 * answer has none they stay -1.
 */
class OpenAiUsageTest {

  private static final String CHAT_USAGE = "{\"prompt_tokens\":2006,\"completion_tokens\":300,\"total_tokens\":2306,"
      + "\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0},"
      + "\"completion_tokens_details\":{\"reasoning_tokens\":192,\"audio_tokens\":0,"
      + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";

  private static final String RESPONSES_USAGE = "{\"input_tokens\":1500,\"input_tokens_details\":{\"cached_tokens\":1024},"
      + "\"output_tokens\":420,\"output_tokens_details\":{\"reasoning_tokens\":256},\"total_tokens\":1920}";

  private static Usage read(String json) {
    return OpenAiUsageReader.read(Buffer.buffer(json));
  }

  private static Usage stream(String sse) {
    OpenAiStreamUsageObserver observer = new OpenAiStreamUsageObserver();
    byte[] bytes = sse.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += 9) {
      observer.onData(Buffer.buffer(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 9))));
    }
    return observer.usage();
  }

  @Test
  void aChatCompletionReportsCachedAndReasoningTokens() {
    String completion = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"o4-mini-2025-04-16\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":" + CHAT_USAGE + ",\"service_tier\":\"default\"}";
    assertThat(read(completion)).isEqualTo(new Usage("o4-mini-2025-04-16", 2006, 300, 1920, -1, 192));
  }

  @Test
  void aResponseReportsCachedAndReasoningTokens() {
    String response = "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"o3-2025-04-16\","
        + "\"output\":[{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]}],\"usage\":" + RESPONSES_USAGE + "}";
    assertThat(read(response)).isEqualTo(new Usage("o3-2025-04-16", 1500, 420, 1024, -1, 256));
  }

  @Test
  void zeroDetailsAreReportedAsZero() {
    // OpenAI always sends the details: a call that hit no cache and did not reason says 0.
    assertThat(read(OpenAiWire.chatCompletion("gpt-x", "hi", 12, 3))).isEqualTo(new Usage("gpt-x", 12, 3, 0, -1, 0));
    assertThat(read(OpenAiWire.response("gpt-x", "hi", 12, 3))).isEqualTo(new Usage("gpt-x", 12, 3, 0, -1, 0));
  }

  @Test
  void answersWithoutDetailsLeaveThemUnknown() {
    assertThat(read(OpenAiWire.chatCompletionWithToolCall("gpt-x", "f", "\"{}\"")))
        .isEqualTo(new Usage("gpt-x", 20, 9, -1, -1, -1));
    // Some OpenAI-compatible servers send null details, or details without the count.
    assertThat(read("{\"model\":\"m\",\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,"
        + "\"prompt_tokens_details\":null,\"completion_tokens_details\":{\"audio_tokens\":0}}}"))
        .isEqualTo(new Usage("m", 5, 2, -1, -1, -1));
    assertThat(read("{\"model\":\"m\",\"usage\":{\"input_tokens\":5,\"output_tokens\":2,\"total_tokens\":7}}"))
        .isEqualTo(new Usage("m", 5, 2, -1, -1, -1));
  }

  @Test
  void embeddingsReportPromptTokensOnly() {
    assertThat(read(OpenAiWire.embeddings("text-embedding-3-small", 8)))
        .isEqualTo(new Usage("text-embedding-3-small", 8, -1, -1, -1, -1));
  }

  @Test
  void detailsOfOtherShapesAreSkippedWithoutLosingTheRest() {
    assertThat(read("{\"usage\":{\"prompt_tokens_details\":{\"cached_tokens\":{\"weird\":[1]},\"x\":[2]},"
        + "\"prompt_tokens\":7,\"completion_tokens_details\":[1,2],\"completion_tokens\":1},\"model\":\"m\"}"))
        .isEqualTo(new Usage("m", 7, 1, -1, -1, -1));
  }

  @Test
  void aChatStreamTakesTheDetailsOfItsUsageChunk() {
    String sse = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"o4-mini\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"o4-mini\",\"choices\":[{\"index\":0,"
        + "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"o4-mini\",\"choices\":[],\"usage\":"
        + CHAT_USAGE + "}\n\n"
        + "data: [DONE]\n\n";
    assertThat(stream(sse)).isEqualTo(new Usage("o4-mini", 2006, 300, 1920, -1, 192));
  }

  @Test
  void aResponsesStreamTakesTheDetailsOfResponseCompleted() {
    String sse = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
        + "\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\",\"model\":\"o3\",\"output\":[],\"usage\":null}}\n\n"
        + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,"
        + "\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,\"delta\":\"ok\"}\n\n"
        + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":2,"
        + "\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"model\":\"o3\",\"output\":[],\"usage\":"
        + RESPONSES_USAGE + "}}\n\n";
    assertThat(stream(sse)).isEqualTo(new Usage("o3", 1500, 420, 1024, -1, 256));
  }

  @Test
  void aChatStreamWithoutDetailsLeavesThemUnknown() {
    StringBuilder chat = new StringBuilder();
    OpenAiWire.chatTextStream("gpt-x", List.of("a", "b"), 11, 4).forEach(d -> chat.append("data: ").append(d).append("\n\n"));
    assertThat(stream(chat.toString())).isEqualTo(new Usage("gpt-x", 11, 4, -1, -1, -1));
  }
}
