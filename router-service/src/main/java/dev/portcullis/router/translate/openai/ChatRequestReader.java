package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the parts of an OpenAI chat request that every native translation needs. */
public final class ChatRequestReader {

  private ChatRequestReader() {}

  public static JsonNode messages(JsonNode request) {
    JsonNode messages = request.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw GatewayError.invalidRequest("'messages' must be a non-empty array", "messages").toException();
    }
    return messages;
  }

  public static String role(JsonNode message, String path) {
    String role = Json.text(message, "role");
    if (role == null) {
      throw GatewayError.invalidRequest(path + ".role is required", path + ".role").toException();
    }
    return role;
  }

  /**
   * The text of a content that may only hold text: a string, or text (and, for assistant
   * history, refusal) parts. Any other part is a 400 naming it.
   */
  public static String textOnly(JsonNode content, String path, String where) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw GatewayError.invalidRequest(path + " must be a string or an array of parts", path).toException();
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      String type = Json.text(part, "type");
      if ("text".equals(type)) {
        text.append(part.path("text").asText());
      } else if ("refusal".equals(type)) {
        text.append(part.path("refusal").asText());
      } else {
        throw unsupportedPart(path + "[" + i + "]", type, where);
      }
    }
    return text.toString();
  }

  public static GatewayException unsupportedPart(String path, String type, String where) {
    return GatewayError.invalidRequest(
        path + ": content part of type '" + type + "' cannot be sent to " + where, path).toException();
  }

  /** {@code max_completion_tokens}, else the deprecated {@code max_tokens}; null when neither. */
  public static Integer maxTokens(JsonNode request) {
    Integer completionTokens = Json.nonNegativeInt(request, "max_completion_tokens");
    return completionTokens != null ? completionTokens : Json.nonNegativeInt(request, "max_tokens");
  }

  /** {@code stop} as a list, whether the client sent a string or an array; null when absent. */
  public static List<String> stop(JsonNode request) {
    JsonNode stop = request.get("stop");
    if (stop == null || stop.isNull()) {
      return null;
    }
    List<String> sequences = new ArrayList<>();
    if (stop.isTextual()) {
      sequences.add(stop.asText());
    } else if (stop.isArray()) {
      for (int i = 0; i < stop.size(); i++) {
        if (!stop.get(i).isTextual()) {
          throw GatewayError.invalidRequest("stop[" + i + "] must be a string", "stop[" + i + "]").toException();
        }
        sequences.add(stop.get(i).asText());
      }
    } else {
      throw GatewayError.invalidRequest("'stop' must be a string or an array of strings", "stop").toException();
    }
    return sequences;
  }

  /** No native API here returns several choices per call, so {@code n > 1} cannot be honoured. */
  public static void requireSingleChoice(JsonNode request, String provider) {
    Integer n = Json.nonNegativeInt(request, "n");
    if (n != null && n != 1) {
      throw GatewayError.invalidRequest("n > 1 is not supported for " + provider + " models", "n").toException();
    }
  }

  /**
   * Whether the request asks for a stream. Only a JSON boolean counts, as for the gateway, which
   * decided from the same field whether to relay a stream: Jackson's lenient {@code asBoolean}
   * would read {@code "true"} as a stream the gateway does not expect, so anything else is a 400.
   */
  public static boolean streaming(JsonNode request) {
    JsonNode stream = request.get("stream");
    if (stream == null || stream.isNull()) {
      return false;
    }
    if (!stream.isBoolean()) {
      throw GatewayError.invalidRequest("'stream' must be a boolean", "stream").toException();
    }
    return stream.booleanValue();
  }

  /**
   * Function names of every tool call in the history, by tool-call id: APIs that key tool results
   * by function name (Gemini) need them.
   */
  public static Map<String, String> toolNamesById(JsonNode messages) {
    Map<String, String> names = new HashMap<>();
    for (JsonNode message : messages) {
      JsonNode calls = message.get("tool_calls");
      for (int i = 0; calls != null && i < calls.size(); i++) {
        String id = Json.text(calls.get(i), "id");
        String name = Json.text(calls.get(i).get("function"), "name");
        if (id != null && name != null) {
          names.put(id, name);
        }
      }
    }
    return names;
  }

  /** The response_format type ({@code text}, {@code json_object}, {@code json_schema}) or null. */
  public static String responseFormatType(JsonNode request) {
    JsonNode format = request.get("response_format");
    return format == null || format.isNull() ? null : Json.text(format, "type");
  }

  /** The JSON schema of a {@code json_schema} response_format; 400 when it has none. */
  public static JsonNode responseSchema(JsonNode request) {
    JsonNode schema = request.path("response_format").path("json_schema").get("schema");
    if (schema == null || !schema.isObject()) {
      throw GatewayError.invalidRequest(
          "response_format.json_schema.schema must be a JSON schema object",
          "response_format.json_schema.schema").toException();
    }
    return schema;
  }

  public static GatewayException unknownRole(String role, String path) {
    return GatewayError.invalidRequest(
        path + ".role '" + role + "' is not supported; use system, developer, user, assistant or"
            + " tool",
        path + ".role").toException();
  }
}
