package dev.portcullis.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Bodies and stream events in Anthropic's real Messages wire format (docs.anthropic.com/en/api/messages
 * and /en/docs/build-with-claude/streaming), for test upstreams that stand in for api.anthropic.com
 * or Claude on Microsoft Foundry. Streams are lists of (event name, data) pairs in the documented
 * order: {@code message_start}, per block {@code content_block_start}/{@code _delta}/{@code _stop},
 * {@code message_delta} with cumulative usage, {@code message_stop}, with a {@code ping}.
 */
public final class AnthropicWire {

  private AnthropicWire() {}

  public static String message(String model, String text, int inputTokens, int outputTokens) {
    return """
        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"%s",\
        "content":[{"type":"text","text":%s}],\
        "stop_reason":"end_turn","stop_sequence":null,\
        "usage":{"input_tokens":%d,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,\
        "output_tokens":%d,"service_tier":"standard"}}"""
        .formatted(model, quote(text), inputTokens, outputTokens);
  }

  /** A Message that read part of its prompt from the cache: input counts are reported in three parts. */
  public static String messageWithCache(String model, String text, int inputTokens, int cacheCreation, int cacheRead,
      int outputTokens) {
    return """
        {"id":"msg_01Cache","type":"message","role":"assistant","model":"%s",\
        "content":[{"type":"text","text":%s}],"stop_reason":"end_turn","stop_sequence":null,\
        "usage":{"input_tokens":%d,"cache_creation_input_tokens":%d,"cache_read_input_tokens":%d,\
        "output_tokens":%d,"service_tier":"standard"}}"""
        .formatted(model, quote(text), inputTokens, cacheCreation, cacheRead, outputTokens);
  }

  /** A Message that calls a tool: a text block then a {@code tool_use} block. */
  public static String toolUseMessage(String model, String toolName, String inputJson) {
    return """
        {"id":"msg_01Tool","type":"message","role":"assistant","model":"%s",\
        "content":[{"type":"text","text":"Let me check."},\
        {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"%s","input":%s}],\
        "stop_reason":"tool_use","stop_sequence":null,\
        "usage":{"input_tokens":384,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":61}}"""
        .formatted(model, toolName, inputJson);
  }

  /** A text answer streamed one piece per {@code text_delta}. */
  public static List<String[]> textStream(String model, List<String> pieces, int inputTokens, int outputTokens) {
    List<String[]> events = new ArrayList<>();
    events.add(messageStart(model, inputTokens));
    events.add(ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
    events.add(ev("ping", "{\"type\":\"ping\"}"));
    for (String piece : pieces) {
      events.add(textDelta(0, piece));
    }
    events.add(ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
    events.add(messageDelta("end_turn", inputTokens, outputTokens));
    events.add(ev("message_stop", "{\"type\":\"message_stop\"}"));
    return events;
  }

  /**
   * A tool call streamed: a text block, then a {@code tool_use} block whose input arrives as
   * {@code input_json_delta} fragments ({@code {"city": "Paris"}} split in three, one of them empty).
   */
  public static List<String[]> toolUseStream(String model, String toolName) {
    List<String[]> events = new ArrayList<>();
    events.add(messageStart(model, 472));
    events.add(ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
    events.add(textDelta(0, "Let me check."));
    events.add(ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
    events.add(ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,"
        + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\",\"name\":\"" + toolName
        + "\",\"input\":{}}}"));
    for (String part : List.of("", "{\"city\": ", "\"Paris\"}")) {
      events.add(ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,"
          + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + quote(part) + "}}"));
    }
    events.add(ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"));
    events.add(messageDelta("tool_use", 472, 89));
    events.add(ev("message_stop", "{\"type\":\"message_stop\"}"));
    return events;
  }

  public static String[] messageStart(String model, int inputTokens) {
    return ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01Stream\",\"type\":\"message\","
        + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,"
        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + inputTokens + ",\"cache_creation_input_tokens\":0,"
        + "\"cache_read_input_tokens\":0,\"output_tokens\":1,\"service_tier\":\"standard\"}}}");
  }

  public static String[] textDelta(int index, String text) {
    return ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
        + ",\"delta\":{\"type\":\"text_delta\",\"text\":" + quote(text) + "}}");
  }

  /** Usage here is cumulative, as Anthropic sends it. */
  public static String[] messageDelta(String stopReason, int inputTokens, int outputTokens) {
    return ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
        + "\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":" + inputTokens
        + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":" + outputTokens + "}}");
  }

  /** The {@code error} event Anthropic sends when a stream fails after its 200 head. */
  public static String[] errorEvent(String type, String message) {
    return ev("error", "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":" + quote(message) + "}}");
  }

  public static String countTokens(int inputTokens) {
    return "{\"input_tokens\":" + inputTokens + "}";
  }

  /** A page of {@code GET /v1/models}. */
  public static String models(boolean hasMore, String... ids) {
    JsonArray data = new JsonArray();
    for (String id : ids) {
      data.add(new JsonObject().put("type", "model").put("id", id).put("display_name", id)
          .put("created_at", "2025-05-14T00:00:00Z"));
    }
    return new JsonObject().put("data", data).put("has_more", hasMore)
        .put("first_id", ids.length == 0 ? null : ids[0])
        .put("last_id", ids.length == 0 ? null : ids[ids.length - 1]).encode();
  }

  /** Anthropic's error body; {@code type} is e.g. {@code rate_limit_error} or {@code overloaded_error}. */
  public static String error(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":" + quote(message)
        + "},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}";
  }

  /** An SSE responder for (event name, data) pairs, with Anthropic's response headers. */
  public static SseScript stream(List<String[]> events) {
    SseScript script = SseScript.create().header("request-id", "req_stream_1");
    events.forEach(e -> script.event(e[0], e[1]));
    return script;
  }

  private static String[] ev(String name, String data) {
    return new String[] {name, data};
  }

  private static String quote(String text) {
    String array = new JsonArray().add(text).encode();
    return array.substring(1, array.length() - 1);
  }
}
