package dev.portcullis.router.translate.cohere;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.router.translate.TranslatedError;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.OpenAiErrorClass;
import dev.portcullis.router.translate.openai.OpenAiErrors;
import java.util.Map;

/** Cohere errors are {@code {"message"}}; only the HTTP status classifies them. */
final class CohereErrorTranslator {

  private CohereErrorTranslator() {}

  static TranslatedError fromHttp(int status, byte[] body, Map<String, String> headers) {
    String message = Json.tryParse(body).map(b -> Json.text(b, "message")).orElse(null);
    return OpenAiErrors.translated(
        OpenAiErrorClass.fromStatus(status),
        message == null ? OpenAiErrors.fallbackMessage("cohere", status) : message,
        headers);
  }

  /** A {@code message-end} whose delta carries an error. */
  static ObjectNode fromStreamEnd(String message) {
    return OpenAiErrors.body(OpenAiErrorClass.INTERNAL, message);
  }
}
