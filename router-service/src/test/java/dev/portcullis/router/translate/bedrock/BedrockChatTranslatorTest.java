package dev.portcullis.router.translate.bedrock;

import static dev.portcullis.router.translate.openai.JsonFixtures.assertJson;
import static dev.portcullis.router.translate.openai.JsonFixtures.assertJsonList;
import static dev.portcullis.router.translate.openai.JsonFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.router.translate.ChatStreamTranslator;
import dev.portcullis.router.translate.NativeStreamEvent;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.StreamStep;
import dev.portcullis.router.translate.TranslatedError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BedrockChatTranslatorTest {

  private final BedrockChatTranslator translator = new BedrockChatTranslator();
  private final ResponseContext context = new ResponseContext("bedrock:amazon.nova-pro-v1:0", "req-123", 4, true);

  @Test
  void alternationIsRestoredByMergingAndResultsComeFirst() {
    var chat = json("""
        {"max_tokens":512,"temperature":0.5,"top_p":0.9,"stop":["END"],"user":"alice","seed":5,
         "messages":[
          {"role":"system","content":"be brief"},
          {"role":"user","content":"first"},
          {"role":"user","content":[{"type":"text","text":"second"},{"type":"image_url","image_url":{"url":"data:image/webp;base64,UklG"}},
                                    {"type":"file","file":{"filename":"q3 report.v2.pdf","file_data":"data:application/pdf;base64,JVBE"}}]},
          {"role":"assistant","content":"calling","tool_calls":[{"id":"t1","type":"function","function":{"name":"get","arguments":"{\\"q\\":1}"}},
                                                               {"id":"t2","type":"function","function":{"name":"get","arguments":"{\\"q\\":2}"}}]},
          {"role":"tool","tool_call_id":"t1","content":"one"},
          {"role":"tool","tool_call_id":"t2","content":"two"},
          {"role":"user","content":"go on"}],
         "tools":[{"type":"function","function":{"name":"get","description":"fetch","parameters":{"type":"object","properties":{"q":{"type":"integer"}}}}}],
         "tool_choice":"auto"}""");
    assertJson(translator.toNativeRequest(chat, "amazon.nova-pro-v1:0"), """
        {"messages":[
          {"role":"user","content":[{"text":"first"},{"text":"second"},{"image":{"format":"webp","source":{"bytes":"UklG"}}},
                                    {"document":{"format":"pdf","name":"q3 report-v2","source":{"bytes":"JVBE"}}}]},
          {"role":"assistant","content":[{"text":"calling"},{"toolUse":{"toolUseId":"t1","name":"get","input":{"q":1}}},
                                         {"toolUse":{"toolUseId":"t2","name":"get","input":{"q":2}}}]},
          {"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"one"}],"status":"success"}},
                                    {"toolResult":{"toolUseId":"t2","content":[{"text":"two"}],"status":"success"}},
                                    {"text":"go on"}]}],
         "system":[{"text":"be brief"}],
         "inferenceConfig":{"maxTokens":512,"temperature":0.5,"topP":0.9,"stopSequences":["END"]},
         "toolConfig":{"tools":[{"toolSpec":{"name":"get","description":"fetch","inputSchema":{"json":{"type":"object","properties":{"q":{"type":"integer"}}}}}}],
                       "toolChoice":{"auto":{}}},
         "requestMetadata":{"user":"alice"}}""");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"required\"                                          | {\"any\":{}}",
      "{\"type\":\"function\",\"function\":{\"name\":\"get\"}} | {\"tool\":{\"name\":\"get\"}}"})
  void toolChoiceForms(String openAi, String bedrock) {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"get"}}],"tool_choice":%s}"""
        .formatted(openAi)), "m");
    assertJson(request.path("toolConfig").path("toolChoice"), bedrock);
  }

  @Test
  void toolChoiceNoneDropsToolsWhenHistoryHasNoToolBlocks() {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"get"}}],"tool_choice":"none"}"""), "m");
    assertThat(request.has("toolConfig")).isFalse();
  }

  @Test
  void toolChoiceNoneKeepsToolConfigWithoutChoiceWhenHistoryHasToolBlocks() {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"},
           {"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"get","arguments":"{}"}}]},
           {"role":"tool","tool_call_id":"t1","content":"r"}],
         "tools":[{"type":"function","function":{"name":"get"}}],"tool_choice":"none"}"""), "m");
    assertJson(request.get("toolConfig"), """
        {"tools":[{"toolSpec":{"name":"get","inputSchema":{"json":{"type":"object","properties":{}}}}}]}""");
  }

  @Test
  void historyWithToolBlocksButNoToolsStillGetsAToolConfig() {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"},
           {"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
           {"role":"tool","tool_call_id":"t1","content":"r"}]}"""), "m");
    assertJson(request.get("toolConfig"), """
        {"tools":[{"toolSpec":{"name":"lookup","description":"Tool used earlier in this conversation.",
           "inputSchema":{"json":{"type":"object","properties":{}}}}}]}""");
  }

  @Test
  void unsupportedInputsAreRejectedByPath() {
    assertRejected("""
        {"messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"image_url","image_url":{"url":"https://e.com/a.png"}}]}]}""",
        "messages[0].content[1]");
    assertRejected("""
        {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,AA"}}]}]}""",
        "messages[0].content[0]");
    assertRejected("""
        {"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA","format":"wav"}}]}]}""",
        "messages[0].content[0]");
    assertRejected("""
        {"messages":[{"role":"system","content":"s"},{"role":"assistant","content":"hello"}]}""", "messages");
    assertRejected("""
        {"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""", "response_format.type");
  }

  private void assertRejected(String chat, String param) {
    assertThatThrownBy(() -> translator.toNativeRequest(json(chat), "m"))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().param()).isEqualTo(param);
          assertThat(e.error().message()).contains(param);
        });
  }

  @Test
  void responseUsesRequestIdAndModelAndAddsCacheTokens() {
    var response = json("""
        {"output":{"message":{"role":"assistant","content":[{"reasoningContent":{"reasoningText":{"text":"hm","signature":"s"}}},
            {"text":"Result"},{"toolUse":{"toolUseId":"tu1","name":"get","input":{"q":1}}}]}},
         "stopReason":"tool_use",
         "usage":{"inputTokens":30,"outputTokens":12,"totalTokens":42,"cacheReadInputTokens":100,"cacheWriteInputTokens":8},
         "metrics":{"latencyMs":812}}""");
    assertJson(translator.toChatCompletion(response, context), """
        {"id":"req-123","object":"chat.completion","created":4,"model":"bedrock:amazon.nova-pro-v1:0",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Result","reasoning_content":"hm",
            "tool_calls":[{"id":"tu1","type":"function","function":{"name":"get","arguments":"{\\"q\\":1}"}}]},
            "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":138,"completion_tokens":12,"total_tokens":150,
            "prompt_tokens_details":{"cached_tokens":100}}}""");
  }

  @Test
  void responseWithoutOutputIsAnEmptyMessage() {
    var completion = translator.toChatCompletion(json("{\"stopReason\":\"guardrail_intervened\",\"usage\":{\"inputTokens\":3,\"outputTokens\":0}}"), context);
    assertJson(completion.path("choices").get(0), """
        {"index":0,"message":{"role":"assistant","content":null},"logprobs":null,"finish_reason":"content_filter"}""");
  }

  @ParameterizedTest
  @CsvSource({
      "end_turn,stop", "stop_sequence,stop", "tool_use,tool_calls", "max_tokens,length", "model_context_window_exceeded,length",
      "guardrail_intervened,content_filter", "content_filtered,content_filter", "malformed_model_output,stop", "malformed_tool_use,stop"})
  void finishReasons(String bedrock, String openAi) {
    assertThat(BedrockFinishReasons.toOpenAi(bedrock)).isEqualTo(openAi);
  }

  @Test
  void streamWithFragmentedToolInputAndMetadataAfterStop() {
    ChatStreamTranslator stream = translator.newStreamTranslator(context);
    List<ObjectNode> out = new ArrayList<>();
    String[][] events = {
        {"messageStart", "{\"role\":\"assistant\"}"},
        {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Let me\"}}"},
        {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" look.\"}}"},
        {"contentBlockStop", "{\"contentBlockIndex\":0}"},
        {"contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"tu1\",\"name\":\"get\"}}}"},
        {"contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"\"}}}"},
        {"contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"q\\\":\"}}}"},
        {"contentBlockDelta", "{\"delta\":{\"toolUse\":{\"input\":\"7}\"}},\"p\":\"abcdef\"}"},
        {"contentBlockStop", "{\"contentBlockIndex\":1}"},
        {"contentBlockStart", "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":{\"toolUseId\":\"tu2\",\"name\":\"put\"}}}"},
        {"contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"{}\"}}}"},
        {"contentBlockStop", "{\"contentBlockIndex\":2}"},
        {"messageStop", "{\"stopReason\":\"tool_use\"}"},
        {"metadata", "{\"usage\":{\"inputTokens\":20,\"outputTokens\":9,\"totalTokens\":29,\"cacheReadInputTokens\":5},\"metrics\":{\"latencyMs\":100}}"}};
    for (String[] event : events) {
      StreamStep step = stream.onEvent(NativeStreamEvent.awsEvent(event[0], json(event[1])));
      assertThat(step.isFailure()).isFalse();
      out.addAll(step.chunks());
    }
    out.addAll(stream.finish());
    String h = "\"id\":\"req-123\",\"object\":\"chat.completion.chunk\",\"created\":4,\"model\":\"bedrock:amazon.nova-pro-v1:0\"";
    assertJsonList(out, """
        [{%1$s,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"content":"Let me"},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"content":" look."},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"tu1","type":"function","function":{"name":"get","arguments":""}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"q\\":"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"7}"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"tu2","type":"function","function":{"name":"put","arguments":""}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null},
         {%1$s,"choices":[],"usage":{"prompt_tokens":25,"completion_tokens":9,"total_tokens":34,
            "prompt_tokens_details":{"cached_tokens":5}}}]""".formatted(h));
    // The metadata names no cache writes: unknown, not 0.
    assertThat(stream.usage()).isEqualTo(new Usage("bedrock:amazon.nova-pro-v1:0", 25, 9, 5, -1, -1));
  }

  @Test
  void exceptionMessageFailsTheStream() {
    ChatStreamTranslator stream = translator.newStreamTranslator(context);
    stream.onEvent(NativeStreamEvent.awsEvent("messageStart", json("{\"role\":\"assistant\"}")));
    StreamStep step = stream.onEvent(NativeStreamEvent.awsException("throttlingException", json("{\"message\":\"Too many requests\"}")));
    assertThat(step.isFailure()).isTrue();
    assertJson(step.error(), """
        {"error":{"message":"Too many requests","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}""");
    assertThat(stream.finish()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "400,ValidationException,400", "403,AccessDeniedException,403", "404,ResourceNotFoundException,404",
      "408,ModelTimeoutException,504", "424,ModelErrorException,502", "429,ThrottlingException,429",
      "429,ModelNotReadyException,429", "400,ServiceQuotaExceededException,429", "500,InternalServerException,500",
      "503,ServiceUnavailableException,503", "403,UnrecognizedClientException,401",
      "403,InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/,401"})
  void httpErrorsByErrorTypeHeader(int status, String errorType, int expected) {
    TranslatedError error = translator.translateError(status, "{\"message\":\"why\"}".getBytes(StandardCharsets.UTF_8),
        Map.of("X-Amzn-ErrorType", errorType, "Retry-After", "3"));
    assertThat(error.status()).isEqualTo(expected);
    assertThat(error.body().path("error").path("message").asText()).isEqualTo("why");
    if (expected == 429 && !errorType.startsWith("ServiceQuota")) {
      assertThat(error.headers()).containsEntry("retry-after", "3");
    }
  }
}
