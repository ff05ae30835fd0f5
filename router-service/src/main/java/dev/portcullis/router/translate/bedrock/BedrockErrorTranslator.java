package dev.portcullis.router.translate.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.router.translate.TranslatedError;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.OpenAiErrorClass;
import dev.portcullis.router.translate.openai.OpenAiErrors;
import java.util.Locale;
import java.util.Map;

/**
 * Bedrock names its errors in the {@code x-amzn-ErrorType} header (and, mid-stream, in the
 * {@code :exception-type} header), with only {@code {"message"}} in the body; both become OpenAI
 * errors.
 */
final class BedrockErrorTranslator {

  private BedrockErrorTranslator() {}

  static TranslatedError fromHttp(int status, byte[] body, Map<String, String> headers) {
    JsonNode json = Json.tryParse(body).orElse(null);
    String message = message(json);
    return OpenAiErrors.translated(
        classify(OpenAiErrors.header(headers, "x-amzn-ErrorType"), status),
        message == null ? OpenAiErrors.fallbackMessage("bedrock", status) : message,
        headers);
  }

  static ObjectNode fromStreamException(String exceptionType, JsonNode payload) {
    String message = message(payload);
    return OpenAiErrors.body(
        classify(exceptionType, 500),
        message == null ? "bedrock stream failed: " + exceptionType : message);
  }

  private static String message(JsonNode json) {
    String message = Json.text(json, "message");
    return message != null ? message : Json.text(json, "Message");
  }

  /**
   * Header values look like {@code ThrottlingException:http://internal.amazon.com/...} or carry a
   * namespace before {@code #}; stream exception names are lower camel case. All compare alike.
   */
  static OpenAiErrorClass classify(String errorType, int status) {
    if (errorType == null) {
      return OpenAiErrorClass.fromStatus(status);
    }
    String name = errorType;
    int colon = name.indexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    name = name.substring(name.lastIndexOf('#') + 1).toLowerCase(Locale.ROOT);
    switch (name) {
      case "validationexception":
        return OpenAiErrorClass.INVALID_REQUEST;
      case "unrecognizedclientexception":
      case "invalidsignatureexception":
      case "incompletesignature":
      case "incompletesignatureexception":
      case "expiredtokenexception":
        return OpenAiErrorClass.AUTHENTICATION;
      case "accessdeniedexception":
        return OpenAiErrorClass.PERMISSION;
      case "resourcenotfoundexception":
        return OpenAiErrorClass.NOT_FOUND;
      case "servicequotaexceededexception":
        return OpenAiErrorClass.QUOTA_EXHAUSTED;
      case "throttlingexception":
      case "modelnotreadyexception":
        return OpenAiErrorClass.RATE_LIMITED;
      case "modeltimeoutexception":
        return OpenAiErrorClass.TIMEOUT;
      case "modelerrorexception":
      case "modelstreamerrorexception":
        return OpenAiErrorClass.MODEL_FAILURE;
      case "serviceunavailableexception":
        return OpenAiErrorClass.OVERLOADED;
      case "internalserverexception":
        return OpenAiErrorClass.INTERNAL;
      default:
        return OpenAiErrorClass.fromStatus(status);
    }
  }
}
