package dev.portcullis.app.fuzz;

import io.vertx.core.json.JsonObject;

/**
 * Whether an error answer Portcullis made is well-formed in the called API's own format (the
 * formats of gateway/errors, the OAuth token endpoint's RFC 6749 error, the admin API's error).
 */
final class ErrorFormats {

  private ErrorFormats() {}

  /** Why {@code answer} is not a well-formed error of {@code api}, or {@code null} when it is. */
  static String problem(String api, Answer answer) {
    if (api.equals("metrics")) {
      return null; // plain text by design: Prometheus' endpoint, not an API with an error format
    }
    String contentType = answer.header("content-type");
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      return "content type " + contentType + " instead of application/json";
    }
    JsonObject json;
    try {
      json = new JsonObject(answer.bodyText());
    } catch (RuntimeException e) {
      return answer.body().length == 0 ? "empty body" : "body is not a JSON object";
    }
    return switch (api) {
      case "anthropic" -> "error".equals(json.getValue("type")) && json.getValue("error") instanceof JsonObject e
          && e.getValue("type") instanceof String && e.getValue("message") instanceof String ? null
          : "not Anthropic's {type:error, error:{type, message}}";
      case "gemini" -> json.getValue("error") instanceof JsonObject e && e.getValue("code") instanceof Number code
          && code.intValue() == answer.status() && e.getValue("message") instanceof String && e.getValue("status") instanceof String
          ? null : "not Google's {error:{code=status, message, status}}";
      case "cohere" -> json.getValue("message") instanceof String ? null : "not Cohere's {message}";
      case "bedrock" -> json.getValue("message") instanceof String && answer.header("x-amzn-errortype") != null ? null
          : "not Bedrock's {message} with x-amzn-ErrorType";
      case "oauth" -> json.getValue("error") instanceof String ? null : "not RFC 6749's {error, error_description}";
      case "admin" -> json.getValue("error") instanceof JsonObject e && e.getValue("message") instanceof String ? null
          : "not the admin API's {error:{message}}";
      default -> json.getValue("error") instanceof JsonObject e && e.getValue("message") instanceof String
          && e.getValue("type") instanceof String ? null : "not OpenAI's {error:{message, type}}";
    };
  }
}
