package dev.portcullis.usage.query;

/**
 * A usage query refused before (or instead of) reading the ledger: a 400 with a message that says
 * what to fix and the parameter at fault (or null). The message never quotes more of a value than
 * {@link #shown} allows.
 */
public final class UsageRequestException extends RuntimeException {

  private static final int SHOWN_CHARS = 40;

  private final String parameter;

  public UsageRequestException(String message, String parameter) {
    super(message, null, false, false);
    this.parameter = parameter;
  }

  /** The parameter at fault, or null when the request as a whole is. */
  public String parameter() {
    return parameter;
  }

  /**
   * A client's text as an error message may quote it: at most 40 characters (longer is cut with
   * "..."), control characters as {@code \\uXXXX}, in single quotes.
   */
  static String shown(String text) {
    StringBuilder shown = new StringBuilder("'");
    int end = Math.min(text.length(), SHOWN_CHARS);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        shown.append(String.format("\\u%04x", (int) c));
      } else {
        shown.append(c);
      }
    }
    if (text.length() > SHOWN_CHARS) {
      shown.append("...");
    }
    return shown.append('\'').toString();
  }
}
