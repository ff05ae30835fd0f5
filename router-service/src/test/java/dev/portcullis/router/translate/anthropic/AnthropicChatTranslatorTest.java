package dev.portcullis.router.translate.anthropic;

import static dev.portcullis.router.translate.openai.JsonFixtures.assertJson;
import static dev.portcullis.router.translate.openai.JsonFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.TranslatedError;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicChatTranslatorTest {

  private final AnthropicChatTranslator translator = new AnthropicChatTranslator();
  private final ResponseContext context = new ResponseContext("anthropic:claude", "chatcmpl-fallback", 1700000000L, false);

  @Test
  void fullConversationBecomesAnthropicMessagesWithSystemToolsAndResultsFirst() {
    var chat = json("""
        {"model":"anthropic:claude","max_completion_tokens":256,"temperature":0.5,"top_p":0.9,
         "stop":"END","user":"u-1","seed":7,"stream":true,"parallel_tool_calls":false,
         "messages":[
          {"role":"system","content":"be brief"},
          {"role":"developer","content":[{"type":"text","text":"use tools"}]},
          {"role":"user","content":[{"type":"text","text":"look"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}},
             {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"low"}}]},
          {"role":"assistant","content":"checking","tool_calls":[
             {"id":"call_1","type":"function","function":{"name":"get","arguments":"{\\"q\\":1}"}},
             {"id":"call_2","type":"function","function":{"name":"get","arguments":""}}]},
          {"role":"tool","tool_call_id":"call_1","content":"one"},
          {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"two"}]},
          {"role":"user","content":"thanks"}],
         "tools":[{"type":"function","function":{"name":"get","description":"fetch",
            "parameters":{"type":"object","properties":{"q":{"type":"integer"}}}}},
           {"type":"function","function":{"name":"noargs"}}],
         "tool_choice":"required"}
        """);

    assertJson(translator.toNativeRequest(chat, "claude-sonnet-4-5"), """
        {"model":"claude-sonnet-4-5","max_tokens":256,
         "system":[{"type":"text","text":"be brief"},{"type":"text","text":"use tools"}],
         "messages":[
          {"role":"user","content":[{"type":"text","text":"look"},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}},
             {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]},
          {"role":"assistant","content":[{"type":"text","text":"checking"},
             {"type":"tool_use","id":"call_1","name":"get","input":{"q":1}},
             {"type":"tool_use","id":"call_2","name":"get","input":{}}]},
          {"role":"user","content":[
             {"type":"tool_result","tool_use_id":"call_1","content":"one"},
             {"type":"tool_result","tool_use_id":"call_2","content":"two"},
             {"type":"text","text":"thanks"}]}],
         "tools":[{"name":"get","description":"fetch","input_schema":{"type":"object","properties":{"q":{"type":"integer"}}}},
                  {"name":"noargs","input_schema":{"type":"object","properties":{}}}],
         "tool_choice":{"type":"any","disable_parallel_tool_use":true},
         "stop_sequences":["END"],"temperature":0.5,"top_p":0.9,
         "metadata":{"user_id":"u-1"},"stream":true}
        """);
  }

  @Test
  void maxTokensDefaultsWhenTheClientSetsNone() {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"}],"max_tokens":null}"""), "m");
    assertThat(request.get("max_tokens").asInt()).isEqualTo(AnthropicChatTranslator.DEFAULT_MAX_TOKENS).isEqualTo(4096);
    assertThat(translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"}],"max_tokens":99}"""), "m").get("max_tokens").asInt()).isEqualTo(99);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"auto\"                                              | {\"type\":\"auto\"}",
      "\"none\"                                              | {\"type\":\"none\"}",
      "\"required\"                                          | {\"type\":\"any\"}",
      "{\"type\":\"function\",\"function\":{\"name\":\"get\"}} | {\"type\":\"tool\",\"name\":\"get\"}",
  })
  void toolChoiceForms(String openAi, String anthropic) {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"}],
         "tools":[{"type":"function","function":{"name":"get"}}],"tool_choice":%s}""".formatted(openAi)), "m");
    assertJson(request.get("tool_choice"), anthropic);
  }

  @Test
  void allowedToolsNarrowTheToolList() {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"}],
         "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}],
         "tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"required","tools":[{"type":"function","function":{"name":"b"}}]}}}"""), "m");
    assertJson(request.get("tools"), """
        [{"name":"b","input_schema":{"type":"object","properties":{}}}]""");
    assertJson(request.get("tool_choice"), "{\"type\":\"any\"}");
  }

  @Test
  void jsonSchemaResponseFormatBecomesOutputConfig() {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}}}"""), "m");
    assertJson(request.get("output_config"), """
        {"format":{"type":"json_schema","schema":{"type":"object"}}}""");
  }

  @Test
  void partsAnthropicCannotTakeAreRejectedByPath() {
    assertRejected("""
        {"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
          {"role":"user","content":[{"type":"text","text":"x"},{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}]}""",
        "messages[2].content[1]");
    assertRejected("""
        {"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}]}""",
        "messages[0].content[0]");
    assertRejected("""
        {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/tiff;base64,AA"}}]}]}""",
        "messages[0].content[0]");
    assertRejected("""
        {"messages":[{"role":"user","content":"hi"}],"temperature":1.5}""", "temperature");
    assertRejected("""
        {"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}""",
        "response_format.type");
    assertRejected("""
        {"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{bad"}}]}]}""",
        "messages[0].tool_calls[0].function.arguments");
    assertRejected("""
        {"messages":[{"role":"user","content":"hi"}],"n":2}""", "n");
  }

  @Test
  void pdfFileBecomesADocumentBlock() {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBER"}}]}]}"""), "m");
    assertJson(request.get("messages"), """
        [{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBER"}}]}]""");
  }

  private void assertRejected(String chat, String param) {
    assertThatThrownBy(() -> translator.toNativeRequest(json(chat), "m"))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
          assertThat(e.error().param()).isEqualTo(param);
          assertThat(e.error().message()).contains(param);
        });
  }

  @Test
  void responseWithTextToolUseAndCacheUsage() {
    var response = json("""
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
         "content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Let me "},{"type":"text","text":"check."},
                    {"type":"tool_use","id":"toolu_1","name":"get","input":{"q":1}}],
         "stop_reason":"tool_use","stop_sequence":null,
         "usage":{"input_tokens":12,"output_tokens":30,"cache_creation_input_tokens":100,"cache_read_input_tokens":1000}}""");
    assertJson(translator.toChatCompletion(response, context), """
        {"id":"msg_1","object":"chat.completion","created":1700000000,"model":"claude-sonnet-4-5",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","reasoning_content":"hmm",
            "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get","arguments":"{\\"q\\":1}"}}]},
            "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":1112,"completion_tokens":30,"total_tokens":1142,
            "prompt_tokens_details":{"cached_tokens":1000}}}""");
  }

  @ParameterizedTest
  @CsvSource({
      "end_turn,stop", "stop_sequence,stop", "pause_turn,stop", "max_tokens,length",
      "tool_use,tool_calls", "refusal,content_filter", "model_context_window_exceeded,length"})
  void stopReasonsMapToFinishReasons(String stopReason, String finishReason) {
    assertThat(AnthropicFinishReasons.toOpenAi(stopReason)).isEqualTo(finishReason);
  }

  @ParameterizedTest
  @CsvSource({
      "400,invalid_request_error,400,invalid_request_error",
      "401,authentication_error,401,authentication_error",
      "402,billing_error,429,insufficient_quota",
      "403,permission_error,403,permission_error",
      "404,not_found_error,404,not_found_error",
      "413,request_too_large,413,invalid_request_error",
      "429,rate_limit_error,429,rate_limit_error",
      "500,api_error,500,api_error",
      "504,timeout_error,504,api_error",
      "529,overloaded_error,503,api_error"})
  void nativeErrorsMapToOpenAiStatuses(int status, String type, int openAiStatus, String openAiType) {
    byte[] body = ("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"boom\"},\"request_id\":\"req_1\"}")
        .getBytes(StandardCharsets.UTF_8);
    TranslatedError error = translator.translateError(status, body, Map.of("Retry-After", "7"));
    assertThat(error.status()).isEqualTo(openAiStatus);
    assertThat(error.body().path("error").path("type").asText()).isEqualTo(openAiType);
    assertThat(error.body().path("error").path("message").asText()).isEqualTo("boom");
    if (openAiStatus == 429 && "rate_limit_error".equals(openAiType)) {
      assertThat(error.headers()).containsEntry("retry-after", "7");
    }
  }

  @Test
  void rateLimitKeepsRetryAfterAndQuotaSaysDoNotRetry() {
    TranslatedError limited = translator.translateError(429,
        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}".getBytes(StandardCharsets.UTF_8),
        Map.of("retry-after", "12"));
    assertJson(limited.body(), """
        {"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}""");
    assertThat(limited.headers()).isEqualTo(Map.of("retry-after", "12"));

    TranslatedError quota = translator.translateError(402,
        "{\"type\":\"error\",\"error\":{\"type\":\"billing_error\",\"message\":\"pay\"}}".getBytes(StandardCharsets.UTF_8), Map.of());
    assertThat(quota.headers()).isEqualTo(Map.of("x-should-retry", "false"));
  }

  @Test
  void nonJsonErrorBodyFallsBackToTheStatus() {
    TranslatedError error = translator.translateError(502, "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8), Map.of());
    assertThat(error.status()).isEqualTo(502);
    assertThat(error.body().path("error").path("message").asText()).isEqualTo("anthropic returned HTTP 502");
  }
}
