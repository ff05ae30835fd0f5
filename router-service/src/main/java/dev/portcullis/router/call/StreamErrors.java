package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.router.translate.openai.OpenAiErrorClass;
import dev.portcullis.router.translate.openai.OpenAiErrors;

/** OpenAI error bodies for failures the router itself sees in a stream. */
final class StreamErrors {

  private StreamErrors() {}

  static ObjectNode of(GatewayError error) {
    ObjectNode body = OpenAiErrors.body(OpenAiErrorClass.fromStatus(error.status()), error.message());
    if (error.param() != null) {
      ((ObjectNode) body.get("error")).put("param", error.param());
    }
    return body;
  }

  static ObjectNode malformed(String provider, String what) {
    return of(GatewayError.upstreamUnreachable("The " + provider + " stream broke off: " + what + "."));
  }
}
