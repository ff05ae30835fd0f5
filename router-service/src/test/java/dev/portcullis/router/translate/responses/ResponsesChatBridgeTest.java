package dev.portcullis.router.translate.responses;

import static dev.portcullis.router.translate.openai.JsonFixtures.assertJson;
import static dev.portcullis.router.translate.openai.JsonFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.error.GatewayException;
import dev.portcullis.router.translate.openai.CountingIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponsesChatBridgeTest {

  private final ResponsesChatBridge bridge = new ResponsesChatBridge(new CountingIds());

  @Test
  void stringInputWithInstructionsBecomesSystemAndUserMessages() {
    assertJson(bridge.toChatRequest(json("""
        {"model":"anthropic:claude","instructions":"be brief","input":"hello","max_output_tokens":64,"stream":true,"temperature":0.3}""")), """
        {"model":"anthropic:claude","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}],
         "max_completion_tokens":64,"temperature":0.3,"stream":true,"stream_options":{"include_usage":true}}""");
  }

  @Test
  void itemsToolsAndTextFormatBecomeTheirChatEquivalents() {
    var request = json("""
        {"model":"gemini:g","input":[
           {"role":"developer","content":"use tools"},
           {"type":"message","role":"user","content":[{"type":"input_text","text":"what is this?"},
              {"type":"input_image","image_url":"data:image/png;base64,iVBO","detail":"low"},
              {"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,JVB"}]},
           {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking","annotations":[]}]},
           {"type":"function_call","call_id":"call_1","name":"look","arguments":"{\\"x\\":1}"},
           {"type":"function_call","call_id":"call_2","name":"look","arguments":"{}"},
           {"type":"function_call_output","call_id":"call_1","output":"a cat"},
           {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"a hat"}]},
           {"type":"reasoning","id":"rs_1","summary":[]}],
         "tools":[{"type":"function","name":"look","description":"d","parameters":{"type":"object"},"strict":true}],
         "tool_choice":{"type":"function","name":"look"},"parallel_tool_calls":false,"user":"u",
         "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}}}""");
    assertJson(bridge.toChatRequest(request), """
        {"model":"gemini:g","messages":[
           {"role":"developer","content":"use tools"},
           {"role":"user","content":[{"type":"text","text":"what is this?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO","detail":"low"}},
              {"type":"file","file":{"file_data":"data:application/pdf;base64,JVB","filename":"a.pdf"}}]},
           {"role":"assistant","content":"Checking","tool_calls":[
              {"id":"call_1","type":"function","function":{"name":"look","arguments":"{\\"x\\":1}"}},
              {"id":"call_2","type":"function","function":{"name":"look","arguments":"{}"}}]},
           {"role":"tool","tool_call_id":"call_1","content":"a cat"},
           {"role":"tool","tool_call_id":"call_2","content":"a hat"}],
         "tools":[{"type":"function","function":{"name":"look","description":"d","parameters":{"type":"object"},"strict":true}}],
         "tool_choice":{"type":"function","function":{"name":"look"}},
         "response_format":{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}},
         "parallel_tool_calls":false,"user":"u"}""");
  }

  @Test
  void functionCallWithoutPrecedingAssistantMessageStartsOne() {
    var chat = bridge.toChatRequest(json("""
        {"input":[{"role":"user","content":"hi"},{"type":"function_call","call_id":"c","name":"f","arguments":""}]}"""));
    assertJson(chat.get("messages").get(1), """
        {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":""}}]}""");
  }

  @Test
  void whatTheRouterCannotServeIsRejected() {
    assertRejected("{\"input\":\"x\",\"previous_response_id\":\"resp_1\"}", "previous_response_id");
    assertRejected("{\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}", "tools[0]");
    assertRejected("{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"file-1\"}]}]}", "input[0].content[0]");
    assertRejected("{\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}", "input[0].type");
    assertRejected("{\"model\":\"m\"}", "input");
  }

  private void assertRejected(String request, String param) {
    assertThatThrownBy(() -> bridge.toChatRequest(json(request)))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().param()).isEqualTo(param);
          assertThat(e.error().message()).contains(param);
        });
  }

  @Test
  void chatCompletionBecomesAResponseWithMessageAndFunctionCallItems() {
    var request = json("{\"model\":\"anthropic:claude\",\"input\":\"hi\",\"instructions\":\"be brief\",\"max_output_tokens\":100}");
    var completion = json("""
        {"id":"msg_x","object":"chat.completion","created":1,"model":"claude-sonnet-4-5",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Looking.",
            "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get","arguments":"{\\"q\\":1}"}}]},
            "finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":5},"completion_tokens_details":{"reasoning_tokens":2}}}""");
    assertJson(bridge.toResponse(request, completion, 1700), """
        {"id":"resp_1","object":"response","created_at":1700,"status":"completed","model":"claude-sonnet-4-5",
         "output":[
           {"type":"message","id":"msg_1","status":"completed","role":"assistant",
            "content":[{"type":"output_text","text":"Looking.","annotations":[]}]},
           {"type":"function_call","id":"fc_1","call_id":"toolu_1","name":"get","arguments":"{\\"q\\":1}","status":"completed"}],
         "error":null,"incomplete_details":null,"instructions":"be brief","tools":[],"tool_choice":"auto",
         "parallel_tool_calls":true,"temperature":null,"top_p":null,"max_output_tokens":100,"previous_response_id":null,
         "text":{"format":{"type":"text"}},"metadata":{},
         "usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":5},"output_tokens":10,
            "output_tokens_details":{"reasoning_tokens":2},"total_tokens":30}}""");
  }

  @ParameterizedTest
  @CsvSource({"stop,completed,", "tool_calls,completed,", "length,incomplete,max_output_tokens", "content_filter,incomplete,content_filter"})
  void finishReasonSetsStatusAndIncompleteDetails(String finishReason, String status, String reason) {
    var completion = json("""
        {"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"%s"}]}""".formatted(finishReason));
    var response = bridge.toResponse(json("{\"input\":\"hi\"}"), completion, 1);
    assertThat(response.get("status").asText()).isEqualTo(status);
    if (reason == null) {
      assertThat(response.get("incomplete_details").isNull()).isTrue();
    } else {
      assertJson(response.get("incomplete_details"), "{\"reason\":\"" + reason + "\"}");
    }
  }
}
