package dev.portcullis.router.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A native upstream error as the OpenAI client must see it: HTTP status, the OpenAI error body
 * {@code {"error":{"message","type","param","code"}}}, and the headers to send with it
 * ({@code retry-after} kept from the upstream, {@code x-should-retry: false} for exhausted quota
 * so that official SDKs do not retry a call that cannot succeed).
 */
public record TranslatedError(int status, ObjectNode body, Map<String, String> headers) {

  public TranslatedError {
    headers = Map.copyOf(headers);
  }
}
