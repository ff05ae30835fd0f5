package dev.portcullis.app.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What came back for one case: a status, headers (names lower-cased) and body, or why nothing did.
 *
 * @param problem null when an answer was read; else {@code no-answer} (the connection closed
 *                first), {@code timeout}, {@code garbled} (not HTTP), {@code not-sent} (the client
 *                refused to send it) or {@code disconnected} (the case dropped the connection itself)
 */
record Answer(int status, Map<String, List<String>> headers, byte[] body, String problem) {

  static Answer problem(String problem) {
    return new Answer(0, Map.of(), new byte[0], problem);
  }

  String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Everything a caller sees, for the canary search. */
  String everything() {
    return headers + "\n" + bodyText();
  }
}
