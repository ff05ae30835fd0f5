package dev.portcullis.usage.query;

/**
 * CSV fields per RFC 4180, safe to open in a spreadsheet: a field that holds {@code ,}, {@code "},
 * CR or LF is quoted (its quotes doubled), and text that starts with {@code =}, {@code +},
 * {@code -}, {@code @}, a tab or CR gets a leading {@code '} so that no spreadsheet runs it as a
 * formula (model names and ids come from clients).
 */
final class Csv {

  /** The separator between records. */
  static final String LINE_END = "\r\n";

  private static final String FORMULA_STARTS = "=+-@\t\r";

  private Csv() {}

  /** Appends text from outside: neutralised if it could start a formula, quoted if it must be. */
  static void appendText(StringBuilder out, String text) {
    if (!text.isEmpty() && FORMULA_STARTS.indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (!needsQuotes(text)) {
      out.append(text);
      return;
    }
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        out.append('"');
      }
      out.append(c);
    }
    out.append('"');
  }

  private static boolean needsQuotes(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        return true;
      }
    }
    return false;
  }
}
