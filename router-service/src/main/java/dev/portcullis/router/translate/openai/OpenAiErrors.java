package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.router.translate.TranslatedError;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Builds OpenAI error objects from classified upstream failures. */
public final class OpenAiErrors {

  private OpenAiErrors() {}

  /** {@code {"error":{"message","type","param":null,"code"}}}. */
  public static ObjectNode body(OpenAiErrorClass errorClass, String message) {
    ObjectNode body = Json.object();
    ObjectNode error = body.putObject("error");
    error.put("message", message);
    error.put("type", errorClass.type());
    error.putNull("param");
    if (errorClass.code() == null) {
      error.putNull("code");
    } else {
      error.put("code", errorClass.code());
    }
    return body;
  }

  /**
   * The error for an HTTP answer, keeping the upstream's retry hints for rate limits and telling
   * SDKs not to retry exhausted quota.
   */
  public static TranslatedError translated(
      OpenAiErrorClass errorClass, String message, Map<String, String> upstreamHeaders) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (errorClass.status() == 429 || errorClass.status() == 503) {
      copyHeader(upstreamHeaders, "retry-after", headers);
      copyHeader(upstreamHeaders, "retry-after-ms", headers);
    }
    if (errorClass == OpenAiErrorClass.QUOTA_EXHAUSTED) {
      headers.put("x-should-retry", "false");
    }
    return new TranslatedError(errorClass.status(), body(errorClass, message), headers);
  }

  /** A header value regardless of the case the upstream used for its name. */
  public static String header(Map<String, String> headers, String name) {
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, String> entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /** The message to show when the upstream body said nothing usable. */
  public static String fallbackMessage(String provider, int status) {
    return provider + " returned HTTP " + status;
  }

  private static void copyHeader(Map<String, String> from, String name, Map<String, String> to) {
    String value = header(from, name);
    if (value != null) {
      to.put(name.toLowerCase(Locale.ROOT), value);
    }
  }
}
