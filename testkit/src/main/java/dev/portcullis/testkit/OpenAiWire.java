package dev.portcullis.testkit;

import java.util.List;

/**
 * Bodies in OpenAI's real wire format (platform.openai.com/docs/api-reference: chat completions,
 * streaming chunks, responses), for
 * test upstreams that stand in for OpenAI and every OpenAI-compatible provider.
 */
public final class OpenAiWire {

  private OpenAiWire() {}

  public static String chatCompletion(String model, String content, int promptTokens, int completionTokens) {
    return """
        {"id":"chatcmpl-abc123","object":"chat.completion","created":1710000000,"model":"%s",\
        "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},\
        "logprobs":null,"finish_reason":"stop"}],\
        "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,\
        "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},\
        "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},\
        "system_fingerprint":"fp_1","service_tier":"default"}"""
        .formatted(model, content, promptTokens, completionTokens, promptTokens + completionTokens);
  }

  public static String chatCompletionWithToolCall(String model, String name, String argumentsJsonString) {
    return """
        {"id":"chatcmpl-tool1","object":"chat.completion","created":1710000000,"model":"%s",\
        "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,\
        "tool_calls":[{"id":"call_1","type":"function","function":{"name":"%s","arguments":%s}}]},\
        "logprobs":null,"finish_reason":"tool_calls"}],\
        "usage":{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29}}"""
        .formatted(model, name, argumentsJsonString);
  }

  /** The data payloads of a chat stream that calls a tool, then the usage chunk (include_usage). */
  public static List<String> chatToolCallStream(String model) {
    String head = "{\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\",\"created\":1710000000,\"model\":\"" + model + "\",";
    return List.of(
        head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}",
        head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Let me check.\"},\"finish_reason\":null}],\"usage\":null}",
        head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_w1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}],\"usage\":null}",
        head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}],\"usage\":null}",
        head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"finish_reason\":null}],\"usage\":null}",
        head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],\"usage\":null}",
        head + "\"choices\":[],\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":17,\"total_tokens\":48}}");
  }

  /** A text chat stream: one chunk per word, then the finish chunk and the usage chunk. */
  public static List<String> chatTextStream(String model, List<String> pieces, int promptTokens, int completionTokens) {
    String head = "{\"id\":\"chatcmpl-t1\",\"object\":\"chat.completion.chunk\",\"created\":1710000000,\"model\":\"" + model + "\",";
    java.util.ArrayList<String> chunks = new java.util.ArrayList<>();
    chunks.add(head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}");
    for (String piece : pieces) {
      chunks.add(head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece + "\"},\"finish_reason\":null}],\"usage\":null}");
    }
    chunks.add(head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}");
    chunks.add(head + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":"
        + completionTokens + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}");
    return chunks;
  }

  public static String response(String model, String text, int inputTokens, int outputTokens) {
    return """
        {"id":"resp_1","object":"response","created_at":1710000000,"status":"completed","model":"%s",\
        "output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed",\
        "content":[{"type":"output_text","text":"%s","annotations":[]}]}],\
        "error":null,"incomplete_details":null,"instructions":null,"tools":[],"tool_choice":"auto",\
        "parallel_tool_calls":true,"temperature":1.0,"top_p":1.0,"max_output_tokens":null,\
        "previous_response_id":null,"text":{"format":{"type":"text"}},"metadata":{},\
        "usage":{"input_tokens":%d,"input_tokens_details":{"cached_tokens":0},"output_tokens":%d,\
        "output_tokens_details":{"reasoning_tokens":0},"total_tokens":%d}}"""
        .formatted(model, text, inputTokens, outputTokens, inputTokens + outputTokens);
  }

  /** A Responses stream for a text answer: (event name, data) pairs in the documented order. */
  public static List<String[]> responseTextStream(String model, List<String> pieces, int inputTokens, int outputTokens) {
    String full = String.join("", pieces);
    String inProgress = "{\"id\":\"resp_s1\",\"object\":\"response\",\"created_at\":1710000000,\"status\":\"in_progress\",\"model\":\""
        + model + "\",\"output\":[],\"usage\":null,\"error\":null,\"incomplete_details\":null,\"tools\":[],\"parallel_tool_calls\":true,\"tool_choice\":\"auto\",\"metadata\":{},\"instructions\":null,\"temperature\":1.0,\"top_p\":1.0}";
    String item = "{\"type\":\"message\",\"id\":\"msg_s1\",\"role\":\"assistant\",\"status\":\"in_progress\",\"content\":[]}";
    java.util.ArrayList<String[]> events = new java.util.ArrayList<>();
    int seq = 0;
    events.add(ev("response.created", "{\"type\":\"response.created\",\"sequence_number\":" + seq++ + ",\"response\":" + inProgress + "}"));
    events.add(ev("response.in_progress", "{\"type\":\"response.in_progress\",\"sequence_number\":" + seq++ + ",\"response\":" + inProgress + "}"));
    events.add(ev("response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":" + seq++ + ",\"output_index\":0,\"item\":" + item + "}"));
    events.add(ev("response.content_part.added", "{\"type\":\"response.content_part.added\",\"sequence_number\":" + seq++ + ",\"item_id\":\"msg_s1\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}}"));
    for (String piece : pieces) {
      events.add(ev("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":" + seq++ + ",\"item_id\":\"msg_s1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + piece + "\",\"logprobs\":[]}"));
    }
    events.add(ev("response.output_text.done", "{\"type\":\"response.output_text.done\",\"sequence_number\":" + seq++ + ",\"item_id\":\"msg_s1\",\"output_index\":0,\"content_index\":0,\"text\":\"" + full + "\",\"logprobs\":[]}"));
    String doneItem = "{\"type\":\"message\",\"id\":\"msg_s1\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":[{\"type\":\"output_text\",\"text\":\"" + full + "\",\"annotations\":[]}]}";
    events.add(ev("response.content_part.done", "{\"type\":\"response.content_part.done\",\"sequence_number\":" + seq++ + ",\"item_id\":\"msg_s1\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"" + full + "\",\"annotations\":[]}}"));
    events.add(ev("response.output_item.done", "{\"type\":\"response.output_item.done\",\"sequence_number\":" + seq++ + ",\"output_index\":0,\"item\":" + doneItem + "}"));
    String completed = "{\"id\":\"resp_s1\",\"object\":\"response\",\"created_at\":1710000000,\"status\":\"completed\",\"model\":\""
        + model + "\",\"output\":[" + doneItem + "],\"error\":null,\"incomplete_details\":null,\"tools\":[],\"parallel_tool_calls\":true,\"tool_choice\":\"auto\",\"metadata\":{},\"instructions\":null,\"temperature\":1.0,\"top_p\":1.0,"
        + "\"usage\":{\"input_tokens\":" + inputTokens + ",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":" + outputTokens
        + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":" + (inputTokens + outputTokens) + "}}";
    events.add(ev("response.completed", "{\"type\":\"response.completed\",\"sequence_number\":" + seq + ",\"response\":" + completed + "}"));
    return events;
  }

  private static String[] ev(String name, String data) {
    return new String[] {name, data};
  }

  public static String models(String... ids) {
    StringBuilder data = new StringBuilder();
    for (String id : ids) {
      if (data.length() > 0) {
        data.append(',');
      }
      data.append("{\"id\":\"").append(id).append("\",\"object\":\"model\",\"created\":1686935002,\"owned_by\":\"openai\"}");
    }
    return "{\"object\":\"list\",\"data\":[" + data + "]}";
  }

  public static String embeddings(String model, int promptTokens) {
    return "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.0023064255,-0.009327292,0.015797347]}],"
        + "\"model\":\"" + model + "\",\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"total_tokens\":" + promptTokens + "}}";
  }

  public static String error(String type, String message, String code) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
        + (code == null ? "null" : "\"" + code + "\"") + "}}";
  }

  /** An SSE responder for chat chunks: each payload as a data event, then {@code data: [DONE]}. */
  public static SseScript chatStream(List<String> payloads) {
    SseScript script = SseScript.create();
    payloads.forEach(script::data);
    return script.data("[DONE]");
  }

  /** An SSE responder for Responses events (each with its event line). */
  public static SseScript responseStream(List<String[]> events) {
    SseScript script = SseScript.create();
    events.forEach(e -> script.event(e[0], e[1]));
    return script;
  }
}
