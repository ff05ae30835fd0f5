package dev.portcullis.app.fuzz;

/** Request and answer bytes as a report can show them: escapes for control bytes, long runs cut. */
final class Printable {

  private Printable() {}

  static String of(byte[] bytes, int limit) {
    StringBuilder out = new StringBuilder();
    int shown = Math.min(bytes.length, limit);
    for (int i = 0; i < shown; i++) {
      int b = bytes[i] & 0xff;
      append(out, b);
      // A run of one repeated byte (padding, nesting) is cut to its first 40.
      int run = i;
      while (run + 1 < bytes.length && bytes[run + 1] == bytes[i]) {
        run++;
      }
      if (run - i > 40) {
        for (int k = 1; k < 40; k++) {
          append(out, b);
        }
        out.append("...(").append(run - i + 1).append(" times)");
        i = run;
      }
    }
    if (bytes.length > shown) {
      out.append("...(").append(bytes.length).append(" bytes in all)");
    }
    return out.toString();
  }

  private static void append(StringBuilder out, int b) {
    if (b == '\n') {
      out.append("\\n\n");
    } else if (b == '\r') {
      out.append("\\r");
    } else if (b < 0x20 || b >= 0x7f) {
      out.append(String.format("\\x%02x", b));
    } else {
      out.append((char) b);
    }
  }
}
