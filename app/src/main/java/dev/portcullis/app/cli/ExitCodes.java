package dev.portcullis.app.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CLI's exit statuses: a script tells what went wrong from the status alone, without reading
 * the message (which goes to stderr and may change).
 */
final class ExitCodes {

  static final int OK = 0;
  /** {@code admin audit verify} only: the API answered, and the audit log's chain is broken. */
  static final int AUDIT_BROKEN = 1;
  /** The answer could not be written out (an export into a closed pipe or a full disk); also an error of the CLI itself. */
  static final int OUTPUT_FAILED = 1;
  /** picocli's own status for a usage error; also a file named on the command line that cannot be read. */
  static final int USAGE = 2;
  static final int NOT_AUTHORIZED = 3;
  static final int NOT_FOUND = 4;
  static final int REFUSED = 5;
  static final int SERVER_ERROR = 6;
  static final int UNREACHABLE = 7;

  /** As {@code --help} lists them. */
  static final Map<String, String> DESCRIPTIONS = descriptions();

  private ExitCodes() {}

  private static Map<String, String> descriptions() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(String.valueOf(OK), "done");
    codes.put(String.valueOf(AUDIT_BROKEN), "audit verify: the chain is broken; or the output could not be written, or the CLI failed");
    codes.put(String.valueOf(USAGE), "bad command line (or a file it names cannot be read)");
    codes.put(String.valueOf(NOT_AUTHORIZED), "not authorized: no admin token, or the API refused it (401/403)");
    codes.put(String.valueOf(NOT_FOUND), "not found (404): no such id, or no such call");
    codes.put(String.valueOf(REFUSED), "refused (another 4xx): the API's message and field are printed");
    codes.put(String.valueOf(SERVER_ERROR), "the admin API failed (5xx)");
    codes.put(String.valueOf(UNREACHABLE), "cannot reach the admin API (refused, timed out, TLS)");
    return Collections.unmodifiableMap(codes);
  }
}
