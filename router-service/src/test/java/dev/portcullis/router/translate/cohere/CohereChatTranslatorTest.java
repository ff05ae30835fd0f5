package dev.portcullis.router.translate.cohere;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CohereChatTranslatorTest {

  private final CohereChatTranslator translator = new CohereChatTranslator();
  private final ResponseContext context = new ResponseContext("cohere:command-a", "chatcmpl-x", 3, true);

  @Test
  void requestKeepsOpenAiShapesWhereCohereSharesThem() {
    var chat = json("""
        {"model":"cohere:command-a","max_completion_tokens":50,"temperature":0.2,"top_p":1.0,"seed":1,"stream":true,
         "stop":"END","frequency_penalty":0.5,"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object"}}},
         "messages":[
          {"role":"developer","content":"rules"},
          {"role":"user","content":[{"type":"text","text":"see"},{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"high"}}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]},
          {"role":"tool","tool_call_id":"c1","content":"done"}],
         "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"},"strict":true}},
                  {"type":"function","function":{"name":"g"}}],
         "tool_choice":{"type":"function","function":{"name":"f"}}}""");
    assertJson(translator.toNativeRequest(chat, "command-a"), """
        {"model":"command-a",
         "messages":[
          {"role":"system","content":"rules"},
          {"role":"user","content":[{"type":"text","text":"see"},{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"high"}}]},
          {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]},
          {"role":"tool","tool_call_id":"c1","content":"done"}],
         "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}}],
         "strict_tools":true,"tool_choice":"REQUIRED",
         "response_format":{"type":"json_object","json_schema":{"type":"object"}},
         "max_tokens":50,"stop_sequences":["END"],"temperature":0.2,"p":0.99,"seed":1,"frequency_penalty":0.5,"stream":true}""");
  }

  @ParameterizedTest
  @CsvSource({"auto,", "none,NONE", "required,REQUIRED"})
  void toolChoiceForms(String openAi, String cohere) {
    var request = translator.toNativeRequest(json("""
        {"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"%s"}"""
        .formatted(openAi)), "m");
    if (cohere == null) {
      assertThat(request.has("tool_choice")).isFalse();
    } else {
      assertThat(request.get("tool_choice").asText()).isEqualTo(cohere);
    }
  }

  @Test
  void audioFilesAndTooManyStopsAreRejected() {
    assertRejected("""
        {"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"A","format":"mp3"}}]}]}""",
        "messages[0].content[0]");
    assertRejected("""
        {"messages":[{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"b"},{"type":"file","file":{"file_data":"data:application/pdf;base64,AA"}}]}]}""",
        "messages[1].content[1]");
    assertRejected("""
        {"messages":[{"role":"user","content":"a"}],"stop":["1","2","3","4","5","6"]}""", "stop");
  }

  private void assertRejected(String chat, String param) {
    assertThatThrownBy(() -> translator.toNativeRequest(json(chat), "m"))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().param()).isEqualTo(param);
          assertThat(e.error().message()).contains(param);
        });
  }

  @Test
  void responsePrefersProcessedTokensOverBilledUnits() {
    var response = json("""
        {"id":"co-1","finish_reason":"TOOL_CALL",
         "message":{"role":"assistant","content":[{"type":"text","text":"ok"}],"tool_plan":"plan",
           "tool_calls":[{"id":"t1","type":"function","function":{"name":"get","arguments":"{\\"q\\":1}"}}]},
         "usage":{"billed_units":{"input_tokens":10,"output_tokens":5},"tokens":{"input_tokens":120,"output_tokens":6},"cached_tokens":100}}""");
    assertJson(translator.toChatCompletion(response, context), """
        {"id":"co-1","object":"chat.completion","created":3,"model":"cohere:command-a",
         "choices":[{"index":0,"message":{"role":"assistant","content":"ok",
            "tool_calls":[{"id":"t1","type":"function","function":{"name":"get","arguments":"{\\"q\\":1}"}}]},
            "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":120,"completion_tokens":6,"total_tokens":126,
            "prompt_tokens_details":{"cached_tokens":100}}}""");
    var billedOnly = translator.toChatCompletion(json("""
        {"id":"co-2","finish_reason":"COMPLETE","message":{"role":"assistant","content":[]},
         "usage":{"billed_units":{"input_tokens":10,"output_tokens":5}}}"""), context);
    assertJson(billedOnly.get("usage"), """
        {"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}""");
  }

  @ParameterizedTest
  @CsvSource({"COMPLETE,stop", "STOP_SEQUENCE,stop", "MAX_TOKENS,length", "TOOL_CALL,tool_calls", "ERROR,stop", "TIMEOUT,stop"})
  void finishReasons(String cohere, String openAi) {
    assertThat(CohereFinishReasons.toOpenAi(cohere)).isEqualTo(openAi);
  }

  private static List<ObjectNode> feed(dev.portcullis.router.translate.ChatStreamTranslator stream, String... events) {
    List<ObjectNode> out = new ArrayList<>();
    for (String event : events) {
      ObjectNode data = json(event);
      StreamStep step = stream.onEvent(NativeStreamEvent.sse(data.get("type").asText(), data));
      assertThat(step.isFailure()).isFalse();
      out.addAll(step.chunks());
    }
    return out;
  }

  @Test
  void streamWithTextAndTwoToolCallsSplitAcrossDeltas() {
    var stream = translator.newStreamTranslator(context);
    List<ObjectNode> out = feed(stream,
        "{\"type\":\"message-start\",\"id\":\"co-9\",\"delta\":{\"message\":{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}",
        "{\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"I will\"}}}",
        "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}",
        "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Sure\"}}}}",
        "{\"type\":\"content-end\",\"index\":0}",
        "{\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"id\":\"t0\",\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":\"\"}}}}}",
        "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":\"{\\\"x\\\"\"}}}}}",
        "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":\":2}\"}}}}}",
        "{\"type\":\"tool-call-end\",\"index\":0}",
        "{\"type\":\"tool-call-start\",\"index\":1,\"delta\":{\"message\":{\"tool_calls\":{\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"b\",\"arguments\":\"{}\"}}}}}",
        "{\"type\":\"tool-call-end\",\"index\":1}",
        "{\"type\":\"message-end\",\"id\":\"co-9\",\"delta\":{\"finish_reason\":\"TOOL_CALL\",\"usage\":{\"billed_units\":{\"input_tokens\":3,\"output_tokens\":4},\"tokens\":{\"input_tokens\":30,\"output_tokens\":4}}}}");
    out.addAll(stream.finish());
    String h = "\"id\":\"co-9\",\"object\":\"chat.completion.chunk\",\"created\":3,\"model\":\"cohere:command-a\"";
    assertJsonList(out, """
        [{%1$s,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"content":"Sure"},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t0","type":"function","function":{"name":"a","arguments":""}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"x\\""}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":2}"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"t1","type":"function","function":{"name":"b","arguments":"{}"}}]},"finish_reason":null}],"usage":null},
         {%1$s,"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null},
         {%1$s,"choices":[],"usage":{"prompt_tokens":30,"completion_tokens":4,"total_tokens":34}}]""".formatted(h));
  }

  @Test
  void messageEndWithErrorFailsTheStream() {
    var stream = translator.newStreamTranslator(context);
    feed(stream, "{\"type\":\"message-start\",\"id\":\"co-9\",\"delta\":{\"message\":{\"role\":\"assistant\"}}}");
    var end = json("{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"ERROR\",\"error\":\"internal failure\"}}");
    StreamStep step = stream.onEvent(NativeStreamEvent.sse("message-end", end));
    assertThat(step.isFailure()).isTrue();
    assertJson(step.error(), """
        {"error":{"message":"internal failure","type":"api_error","param":null,"code":null}}""");
    assertThat(stream.finish()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"400,400", "422,400", "401,401", "498,401", "402,429", "403,403", "404,404", "429,429", "500,500", "503,503", "504,504"})
  void httpErrorsByStatus(int status, int expected) {
    TranslatedError error = translator.translateError(status, "{\"message\":\"nope\"}".getBytes(StandardCharsets.UTF_8), Map.of());
    assertThat(error.status()).isEqualTo(expected);
    assertThat(error.body().path("error").path("message").asText()).isEqualTo("nope");
  }
}
