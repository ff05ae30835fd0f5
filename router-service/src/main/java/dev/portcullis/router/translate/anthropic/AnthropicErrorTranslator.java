package dev.portcullis.router.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.router.translate.TranslatedError;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.OpenAiErrorClass;
import dev.portcullis.router.translate.openai.OpenAiErrors;
import java.util.Map;

/** Anthropic {@code {"type":"error","error":{"type","message"}}} to OpenAI errors (3.5, 10). */
final class AnthropicErrorTranslator {

  private AnthropicErrorTranslator() {}

  static TranslatedError fromHttp(int status, byte[] body, Map<String, String> headers) {
    JsonNode error = Json.tryParse(body).map(b -> b.get("error")).orElse(null);
    OpenAiErrorClass errorClass = classify(Json.text(error, "type"), status);
    String message = Json.text(error, "message");
    return OpenAiErrors.translated(
        errorClass,
        message == null ? OpenAiErrors.fallbackMessage("anthropic", status) : message,
        headers);
  }

  /** An {@code error} event that arrived after HTTP 200. */
  static ObjectNode fromStreamEvent(JsonNode payload) {
    JsonNode error = payload == null ? null : payload.get("error");
    String message = Json.text(error, "message");
    return OpenAiErrors.body(
        classify(Json.text(error, "type"), 500),
        message == null ? "anthropic stream failed" : message);
  }

  static OpenAiErrorClass classify(String type, int status) {
    if (type == null) {
      return OpenAiErrorClass.fromStatus(status);
    }
    switch (type) {
      case "invalid_request_error":
        return OpenAiErrorClass.INVALID_REQUEST;
      case "authentication_error":
        return OpenAiErrorClass.AUTHENTICATION;
      case "billing_error":
        return OpenAiErrorClass.QUOTA_EXHAUSTED;
      case "permission_error":
        return OpenAiErrorClass.PERMISSION;
      case "not_found_error":
        return OpenAiErrorClass.NOT_FOUND;
      case "request_too_large":
        return OpenAiErrorClass.PAYLOAD_TOO_LARGE;
      case "rate_limit_error":
        return OpenAiErrorClass.RATE_LIMITED;
      case "timeout_error":
        return OpenAiErrorClass.TIMEOUT;
      case "overloaded_error":
        return OpenAiErrorClass.OVERLOADED;
      case "api_error":
        return OpenAiErrorClass.INTERNAL;
      default:
        return OpenAiErrorClass.fromStatus(status);
    }
  }
}
