package dev.portcullis.router.translate.anthropic;

import static dev.portcullis.router.translate.openai.JsonFixtures.assertJson;
import static dev.portcullis.router.translate.openai.JsonFixtures.assertJsonList;
import static dev.portcullis.router.translate.openai.JsonFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.router.translate.NativeStreamEvent;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.StreamStep;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicChatStreamTranslatorTest {

  private static final String H = "\"id\":\"msg_1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"claude-x\"";

  private static List<ObjectNode> feed(AnthropicChatStreamTranslator translator, String... events) {
    List<ObjectNode> out = new ArrayList<>();
    for (String event : events) {
      ObjectNode data = json(event);
      StreamStep step = translator.onEvent(NativeStreamEvent.sse(data.get("type").asText(), data));
      assertThat(step.isFailure()).isFalse();
      out.addAll(step.chunks());
    }
    return out;
  }

  @Test
  void textThenTwoToolCallsWithFragmentedArgumentsAndUsage() {
    var translator = new AnthropicChatStreamTranslator(new ResponseContext("anthropic:claude-x", "fallback", 5, true));
    List<ObjectNode> out = feed(translator,
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1,\"cache_creation_input_tokens\":3,\"cache_read_input_tokens\":20}}}",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
        "{\"type\":\"ping\"}",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
        "{\"type\":\"content_block_stop\",\"index\":0}",
        "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"get\",\"input\":{}}}",
        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}",
        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"q\"}}",
        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\":\"}}",
        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1}\"}}",
        "{\"type\":\"content_block_stop\",\"index\":1}",
        "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"put\",\"input\":{}}}",
        "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}",
        "{\"type\":\"content_block_stop\",\"index\":2}",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}",
        "{\"type\":\"message_stop\"}");
    out.addAll(translator.finish());

    assertJsonList(out, """
        [{%1$s,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_a","type":"function","function":{"name":"get","arguments":""}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"q"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\":"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"toolu_b","type":"function","function":{"name":"put","arguments":""}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null},
         {%1$s,"choices":[],"usage":{"prompt_tokens":33,"completion_tokens":40,"total_tokens":73,
            "prompt_tokens_details":{"cached_tokens":20}}}]
        """.formatted(H));
    // Thinking is not counted apart by Anthropic: no reasoning detail, and the usage recorded says so.
    assertThat(translator.usage()).isEqualTo(new Usage("claude-x", 33, 40, 20, 3, -1));
  }

  @Test
  void withoutIncludeUsageThereIsNoUsageChunkAndNoUsageField() {
    var translator = new AnthropicChatStreamTranslator(new ResponseContext("m", "fallback", 5, false));
    List<ObjectNode> out = feed(translator,
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":2}}",
        "{\"type\":\"message_stop\"}");
    out.addAll(translator.finish());
    assertJsonList(out, """
        [{%1$s,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]},
         {%1$s,"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]},
         {%1$s,"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}]
        """.formatted(H));
  }

  @Test
  void errorEventEndsTheStreamWithAnOpenAiError() {
    var translator = new AnthropicChatStreamTranslator(new ResponseContext("m", "fallback", 5, true));
    feed(translator, "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\",\"usage\":{}}}");
    ObjectNode error = json("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    StreamStep step = translator.onEvent(NativeStreamEvent.sse("error", error));
    assertThat(step.isFailure()).isTrue();
    assertJson(step.error(), """
        {"error":{"message":"Overloaded","type":"api_error","param":null,"code":"overloaded"}}""");
    assertThat(translator.finish()).isEmpty();
  }
}
