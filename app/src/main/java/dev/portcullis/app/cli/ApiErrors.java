package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An admin API refusal as a {@link CliFailure}: the status class picks the exit status, and the
 * message is the API's own {@code {"error":{"message":...,"field":...}}}, which names what to fix.
 */
final class ApiErrors {

  private ApiErrors() {}

  static CliFailure failure(int status, byte[] body) {
    JsonNode error = Json.tryParse(body).path("error");
    String message = error.path("message").isTextual() ? error.path("message").asText() : null;
    String field = error.path("field").isTextual() ? error.path("field").asText() : null;
    String said = (message == null ? "(no message)" : message) + (field == null ? "" : " [field: " + field + "]");
    if (status == 401 || status == 403) {
      return new CliFailure(ExitCodes.NOT_AUTHORIZED, "Not authorized (" + status + "): " + said
          + (status == 401 ? "; check PORTCULLIS_ADMIN_TOKEN or --token-file" : ""));
    }
    if (status == 404) {
      return new CliFailure(ExitCodes.NOT_FOUND, "Not found (404): " + said);
    }
    if (status >= 400 && status < 500) {
      return new CliFailure(ExitCodes.REFUSED, "Refused (" + status + "): " + said);
    }
    if (status >= 500) {
      return new CliFailure(ExitCodes.SERVER_ERROR, "The admin API failed (" + status + "): " + said);
    }
    // 1xx that is not final, 3xx: the CLI follows no redirect, since it would carry the token elsewhere.
    return new CliFailure(ExitCodes.SERVER_ERROR, "Unexpected answer from the admin API (" + status + ")");
  }
}
