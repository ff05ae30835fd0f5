package dev.portcullis.router.translate.gemini;

import static dev.portcullis.router.translate.openai.JsonFixtures.assertJson;
import static dev.portcullis.router.translate.openai.JsonFixtures.assertJsonList;
import static dev.portcullis.router.translate.openai.JsonFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.router.translate.NativeStreamEvent;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.StreamStep;
import dev.portcullis.router.translate.TranslatedError;
import dev.portcullis.router.translate.openai.CountingIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiChatTranslatorTest {

  private final GeminiChatTranslator translator = new GeminiChatTranslator(new CountingIds());
  private final ResponseContext context = new ResponseContext("gemini:gemini-2.5-flash", "chatcmpl-x", 9, true);

  @Test
  void conversationWithToolsBecomesContentsWithFunctionResponsesNamedFromTheirCalls() {
    var chat = json("""
        {"model":"gemini:gemini-2.5-flash","max_tokens":100,"temperature":0.7,"top_p":0.9,"seed":3,
         "stop":["END","STOP"],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","additionalProperties":false}}},
         "messages":[
          {"role":"system","content":"be brief"},
          {"role":"user","content":[{"type":"text","text":"see"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/"}},
                                    {"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}}]},
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_a","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}},
            {"id":"call_b","type":"function","function":{"name":"time","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_b","content":"noon"},
          {"role":"tool","tool_call_id":"call_a","content":"rain"},
          {"role":"user","content":"and?"}],
         "tools":[{"type":"function","function":{"name":"weather","description":"w","strict":true,
            "parameters":{"$schema":"x","type":"object","additionalProperties":false,
               "properties":{"city":{"type":"string"},"additionalProperties":{"type":"string","additionalProperties":false}}}}},
           {"type":"function","function":{"name":"time"}}],
         "tool_choice":{"type":"function","function":{"name":"weather"}}}
        """);
    assertJson(translator.toNativeRequest(chat, "gemini-2.5-flash"), """
        {"contents":[
          {"role":"user","parts":[{"text":"see"},{"inlineData":{"mimeType":"image/jpeg","data":"/9j/"}},{"inlineData":{"mimeType":"audio/wav","data":"UklG"}}]},
          {"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Oslo"}}},{"functionCall":{"name":"time","args":{}}}]},
          {"role":"user","parts":[{"functionResponse":{"name":"time","response":{"output":"noon"}}},
                                  {"functionResponse":{"name":"weather","response":{"output":"rain"}}},
                                  {"text":"and?"}]}],
         "systemInstruction":{"parts":[{"text":"be brief"}]},
         "tools":[{"functionDeclarations":[
           {"name":"weather","description":"w","parameters":{"type":"object",
               "properties":{"city":{"type":"string"},"additionalProperties":{"type":"string"}}}},
           {"name":"time"}]}],
         "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["weather"]}},
         "generationConfig":{"temperature":0.7,"topP":0.9,"maxOutputTokens":100,"stopSequences":["END","STOP"],"seed":3,
           "responseMimeType":"application/json","responseJsonSchema":{"type":"object","additionalProperties":false}}}
        """);
  }

  @ParameterizedTest
  @CsvSource({"auto,AUTO", "none,NONE", "required,ANY"})
  void toolChoiceModes(String openAi, String mode) {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"%s"}"""
        .formatted(openAi)), "m");
    assertJson(request.get("toolConfig"), "{\"functionCallingConfig\":{\"mode\":\"" + mode + "\"}}");
  }

  @Test
  void httpImagesAndUnknownToolResultsAreRejected() {
    assertRejected("""
        {"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
          {"role":"user","content":[{"type":"text","text":"x"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""",
        "messages[2].content[1]");
    assertRejected("""
        {"messages":[{"role":"user","content":"a"},{"role":"tool","tool_call_id":"call_zzz","content":"r"}]}""",
        "messages[1].tool_call_id");
    assertRejected("""
        {"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}]}""",
        "messages[0].content[0]");
  }

  private void assertRejected(String chat, String param) {
    assertThatThrownBy(() -> translator.toNativeRequest(json(chat), "m"))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().param()).isEqualTo(param);
          assertThat(e.error().message()).contains(param);
        });
  }

  @Test
  void responseWithFunctionCallsGetsMintedIdsAndToolCallsFinish() {
    var response = json("""
        {"candidates":[{"content":{"role":"model","parts":[
            {"text":"thinking...","thought":true},{"text":"Checking."},
            {"functionCall":{"name":"weather","args":{"city":"Oslo"}}},{"functionCall":{"name":"time","args":{}}}]},
          "finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":39,"thoughtsTokenCount":186,"totalTokenCount":230,"cachedContentTokenCount":2},
         "modelVersion":"gemini-2.5-flash-001","responseId":"resp-1"}""");
    assertJson(translator.toChatCompletion(response, context), """
        {"id":"resp-1","object":"chat.completion","created":9,"model":"gemini-2.5-flash-001",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","reasoning_content":"thinking...",
           "tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}},
                         {"id":"call_2","type":"function","function":{"name":"time","arguments":"{}"}}]},
           "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":5,"completion_tokens":225,"total_tokens":230,
           "prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":186}}}""");
  }

  @Test
  void thoughtSignaturesRideInTheToolCallIdAndAreReplayed() {
    var completion = translator.toChatCompletion(json("""
        {"candidates":[{"content":{"role":"model","parts":[
            {"functionCall":{"name":"weather","args":{"city":"Oslo"}},"thoughtSignature":"c2lnbmF0dXJl+/="}]},
          "finishReason":"STOP"}]}"""), context);
    String id = completion.at("/choices/0/message/tool_calls/0/id").asText();
    assertThat(id).isEqualTo("call_1~c2lnbmF0dXJl+/=");

    var replay = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"weather?"},
          {"role":"assistant","content":null,"tool_calls":[{"id":"%s","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
          {"role":"tool","tool_call_id":"%s","content":"rain"}]}""".formatted(id, id)), "m");
    assertJson(replay.get("contents"), """
        [{"role":"user","parts":[{"text":"weather?"}]},
         {"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Oslo"}},"thoughtSignature":"c2lnbmF0dXJl+/="}]},
         {"role":"user","parts":[{"functionResponse":{"name":"weather","response":{"output":"rain"}}}]}]""");
  }

  @Test
  void blockedPromptIsAContentFilterFinishWithNoContent() {
    var completion = translator.toChatCompletion(json("""
        {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4}}"""), context);
    assertThat(completion.path("id").asText()).isEqualTo("chatcmpl-x");
    assertThat(completion.path("model").asText()).isEqualTo("gemini:gemini-2.5-flash");
    assertJson(completion.path("choices").get(0), """
        {"index":0,"message":{"role":"assistant","content":null},"logprobs":null,"finish_reason":"content_filter"}""");
  }

  @ParameterizedTest
  @CsvSource({
      "STOP,false,stop", "STOP,true,tool_calls", "MAX_TOKENS,false,length", "SAFETY,false,content_filter",
      "BLOCKLIST,false,content_filter", "PROHIBITED_CONTENT,false,content_filter", "SPII,false,content_filter",
      "IMAGE_SAFETY,false,content_filter", "RECITATION,false,content_filter", "MALFORMED_FUNCTION_CALL,false,stop",
      "UNEXPECTED_TOOL_CALL,false,stop", "OTHER,false,stop", "FINISH_REASON_UNSPECIFIED,false,stop"})
  void finishReasons(String gemini, boolean calledTools, String openAi) {
    assertThat(GeminiFinishReasons.toOpenAi(gemini, calledTools)).isEqualTo(openAi);
  }

  @Test
  void streamEmitsTextThenWholeToolCallsThenFinishAndLastUsage() {
    var stream = translator.newStreamTranslator(context);
    List<ObjectNode> out = new ArrayList<>();
    for (String chunk : List.of(
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hel\"}]}}],\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":1,\"totalTokenCount\":6},\"modelVersion\":\"g-1\",\"responseId\":\"r1\"}",
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"lo\"},{\"functionCall\":{\"name\":\"a\",\"args\":{\"x\":1}}},{\"functionCall\":{\"name\":\"b\",\"args\":{}}}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":9,\"totalTokenCount\":14},\"modelVersion\":\"g-1\",\"responseId\":\"r1\"}")) {
      StreamStep step = stream.onEvent(NativeStreamEvent.sse(null, json(chunk)));
      out.addAll(step.chunks());
    }
    out.addAll(stream.finish());
    String h = "\"id\":\"r1\",\"object\":\"chat.completion.chunk\",\"created\":9,\"model\":\"g-1\"";
    assertJsonList(out, """
        [{%1$s,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"a","arguments":"{\\"x\\":1}"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"b","arguments":"{}"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null},
         {%1$s,"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}]
        """.formatted(h));
  }

  @Test
  void streamChunkWithErrorFailsTheStream() {
    var stream = translator.newStreamTranslator(context);
    StreamStep step = stream.onEvent(NativeStreamEvent.sse(null, json(
        "{\"error\":{\"code\":429,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\"}}")));
    assertThat(step.isFailure()).isTrue();
    assertJson(step.error(), """
        {"error":{"message":"quota","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}""");
    assertThat(stream.finish()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "400,INVALID_ARGUMENT,,400", "400,INVALID_ARGUMENT,API_KEY_INVALID,401", "401,UNAUTHENTICATED,,401",
      "403,PERMISSION_DENIED,,403", "404,NOT_FOUND,,404", "429,RESOURCE_EXHAUSTED,,429", "500,INTERNAL,,500",
      "503,UNAVAILABLE,,503", "504,DEADLINE_EXCEEDED,,504"})
  void httpErrors(int status, String canonical, String reason, int expected) {
    String details = reason == null ? "[]"
        : "[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"" + reason + "\"}]";
    byte[] body = ("{\"error\":{\"code\":" + status + ",\"message\":\"m\",\"status\":\"" + canonical + "\",\"details\":" + details + "}}")
        .getBytes(StandardCharsets.UTF_8);
    TranslatedError error = translator.translateError(status, body, Map.of());
    assertThat(error.status()).isEqualTo(expected);
    assertThat(error.body().path("error").path("message").asText()).isEqualTo("m");
  }
}
