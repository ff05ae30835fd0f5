package dev.portcullis.router.translate.responses;

import static dev.portcullis.router.translate.openai.JsonFixtures.assertJson;
import static dev.portcullis.router.translate.openai.JsonFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.router.translate.openai.CountingIds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesStreamBridgeTest {

  private static final String H = "\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"claude-x\"";

  private static List<ResponsesEvent> run(ResponsesStreamBridge bridge, String... chunks) {
    List<ResponsesEvent> events = new ArrayList<>();
    for (String chunk : chunks) {
      events.addAll(bridge.onChunk(json(chunk.formatted(H))));
    }
    return events;
  }

  @Test
  void textThenTwoToolCallsProduceTheDocumentedEventOrder() {
    var bridge = new ResponsesStreamBridge(json("{\"model\":\"anthropic:claude-x\",\"input\":\"hi\"}"), new CountingIds(), 77);
    List<ResponsesEvent> events = run(bridge,
        "{%s,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}",
        "{%s,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}],\"usage\":null}",
        "{%s,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}],\"usage\":null}",
        "{%s,\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get\",\"arguments\":\"\"}}]},\"finish_reason\":null}],\"usage\":null}",
        "{%s,\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"q\"}}]},\"finish_reason\":null}],\"usage\":null}",
        "{%s,\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\":1}\"}}]},\"finish_reason\":null}],\"usage\":null}",
        "{%s,\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"put\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}],\"usage\":null}",
        "{%s,\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],\"usage\":null}",
        "{%s,\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7,\"total_tokens\":16,\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}");
    events.addAll(bridge.finish());

    assertThat(events).extracting(ResponsesEvent::type).containsExactly(
        "response.created", "response.in_progress",
        "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done",
        "response.output_item.added", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done",
        "response.completed");
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).data().get("sequence_number").asLong()).isEqualTo(i);
      assertThat(events.get(i).data().get("type").asText()).isEqualTo(events.get(i).type());
    }

    assertJson(events.get(2).data(), """
        {"type":"response.output_item.added","sequence_number":2,"output_index":0,
         "item":{"type":"message","id":"msg_1","status":"in_progress","role":"assistant","content":[]}}""");
    assertJson(events.get(3).data(), """
        {"type":"response.content_part.added","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,
         "part":{"type":"output_text","text":"","annotations":[]}}""");
    assertJson(events.get(4).data(), """
        {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel","logprobs":[]}""");
    assertJson(events.get(6).data(), """
        {"type":"response.output_text.done","sequence_number":6,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello","logprobs":[]}""");
    assertJson(events.get(9).data(), """
        {"type":"response.output_item.added","sequence_number":9,"output_index":1,
         "item":{"type":"function_call","id":"fc_1","call_id":"call_a","name":"get","arguments":"","status":"in_progress"}}""");
    assertJson(events.get(12).data(), """
        {"type":"response.function_call_arguments.done","sequence_number":12,"item_id":"fc_1","output_index":1,"name":"get","arguments":"{\\"q\\":1}"}""");
    assertJson(events.get(18).data(), """
        {"type":"response.completed","sequence_number":18,"response":{
          "id":"resp_1","object":"response","created_at":77,"status":"completed","model":"claude-x",
          "output":[
            {"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello","annotations":[]}]},
            {"type":"function_call","id":"fc_1","call_id":"call_a","name":"get","arguments":"{\\"q\\":1}","status":"completed"},
            {"type":"function_call","id":"fc_2","call_id":"call_b","name":"put","arguments":"{}","status":"completed"}],
          "error":null,"incomplete_details":null,"instructions":null,"tools":[],"tool_choice":"auto","parallel_tool_calls":true,
          "temperature":null,"top_p":null,"max_output_tokens":null,"previous_response_id":null,"text":{"format":{"type":"text"}},
          "metadata":{},
          "usage":{"input_tokens":9,"input_tokens_details":{"cached_tokens":0},"output_tokens":7,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":16}}}""");
    assertJson(events.get(0).data().get("response").get("output"), "[]");
    assertThat(events.get(0).data().at("/response/status").asText()).isEqualTo("in_progress");
  }

  @Test
  void lengthFinishEndsWithResponseIncomplete() {
    var bridge = new ResponsesStreamBridge(json("{\"input\":\"hi\"}"), new CountingIds(), 1);
    List<ResponsesEvent> events = run(bridge,
        "{%s,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"cut\"},\"finish_reason\":null}]}",
        "{%s,\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}");
    events.addAll(bridge.finish());
    ResponsesEvent last = events.get(events.size() - 1);
    assertThat(last.type()).isEqualTo("response.incomplete");
    assertJson(last.data().at("/response/incomplete_details"), "{\"reason\":\"max_output_tokens\"}");
    assertThat(last.data().at("/response/status").asText()).isEqualTo("incomplete");
  }

  @Test
  void errorChunkEndsWithResponseFailedAndNothingAfter() {
    var bridge = new ResponsesStreamBridge(json("{\"input\":\"hi\"}"), new CountingIds(), 1);
    run(bridge, "{%s,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"},\"finish_reason\":null}]}");
    List<ResponsesEvent> failed = bridge.onChunk(json(
        "{\"error\":{\"message\":\"Overloaded\",\"type\":\"api_error\",\"param\":null,\"code\":\"overloaded\"}}"));
    assertThat(failed).extracting(ResponsesEvent::type).containsExactly("response.failed");
    assertJson(failed.get(0).data().at("/response/error"), "{\"code\":\"overloaded\",\"message\":\"Overloaded\"}");
    assertThat(failed.get(0).data().at("/response/status").asText()).isEqualTo("failed");
    assertThat(bridge.finish()).isEmpty();
  }

  @Test
  void emptyStreamStillOpensAndCompletesTheResponse() {
    var bridge = new ResponsesStreamBridge(json("{\"model\":\"m\",\"input\":\"hi\"}"), new CountingIds(), 1);
    assertThat(bridge.finish()).extracting(ResponsesEvent::type)
        .containsExactly("response.created", "response.in_progress", "response.completed");
  }
}
