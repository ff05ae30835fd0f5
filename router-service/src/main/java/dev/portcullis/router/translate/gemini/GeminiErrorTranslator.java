package dev.portcullis.router.translate.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.router.translate.TranslatedError;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.OpenAiErrorClass;
import dev.portcullis.router.translate.openai.OpenAiErrors;
import java.util.Map;

/**
 * Gemini's errors, google.rpc.Status objects ({@code {"error":{"code","message","status","details"}}}),
 * as OpenAI errors.
 */
final class GeminiErrorTranslator {

  private GeminiErrorTranslator() {}

  static TranslatedError fromHttp(int status, byte[] body, Map<String, String> headers) {
    JsonNode error = Json.tryParse(body).map(b -> b.get("error")).orElse(null);
    String message = Json.text(error, "message");
    return OpenAiErrors.translated(
        classify(error, status),
        message == null ? OpenAiErrors.fallbackMessage("gemini", status) : message,
        headers);
  }

  /** A stream chunk that carries an {@code error} instead of candidates. */
  static ObjectNode fromStreamChunk(JsonNode error) {
    String message = Json.text(error, "message");
    return OpenAiErrors.body(
        classify(error, (int) Json.longOr(error, "code", 500)),
        message == null ? "gemini stream failed" : message);
  }

  static OpenAiErrorClass classify(JsonNode error, int status) {
    for (JsonNode detail : error == null ? Json.array() : error.path("details")) {
      // A bad key is a 400 INVALID_ARGUMENT at Google, but OpenAI clients expect a 401.
      if ("API_KEY_INVALID".equals(Json.text(detail, "reason"))) {
        return OpenAiErrorClass.AUTHENTICATION;
      }
    }
    String canonical = Json.text(error, "status");
    if (canonical == null) {
      return OpenAiErrorClass.fromStatus(status);
    }
    switch (canonical) {
      case "INVALID_ARGUMENT":
      case "FAILED_PRECONDITION":
      case "OUT_OF_RANGE":
        return OpenAiErrorClass.INVALID_REQUEST;
      case "UNAUTHENTICATED":
        return OpenAiErrorClass.AUTHENTICATION;
      case "PERMISSION_DENIED":
        return OpenAiErrorClass.PERMISSION;
      case "NOT_FOUND":
        return OpenAiErrorClass.NOT_FOUND;
      case "RESOURCE_EXHAUSTED":
        return OpenAiErrorClass.RATE_LIMITED;
      case "UNAVAILABLE":
        return OpenAiErrorClass.OVERLOADED;
      case "DEADLINE_EXCEEDED":
        return OpenAiErrorClass.TIMEOUT;
      case "INTERNAL":
        return OpenAiErrorClass.INTERNAL;
      default:
        return OpenAiErrorClass.fromStatus(status);
    }
  }
}
