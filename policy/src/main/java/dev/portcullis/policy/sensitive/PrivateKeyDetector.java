package dev.portcullis.policy.sensitive;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM private keys (RFC 7468 and the OpenSSH format): {@code -----BEGIN RSA|EC|DSA|OPENSSH|
 * ENCRYPTED PRIVATE KEY-----} or plain PKCS#8 {@code PRIVATE KEY}, its base64 lines (and the
 * {@code Proc-Type}/{@code DEK-Info} headers of an encrypted PKCS#1 key) and its END line. A block
 * without an END line is a match too, up to its last base64 line. Lines may be separated by real
 * line breaks or by the two characters {@code \n} of a JSON string.
 */
final class PrivateKeyDetector implements Detector {

  static final String NAME = "private-key";
  private static final Pattern BEGIN =
      Pattern.compile("-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----");
  private static final Pattern END =
      Pattern.compile("-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----");
  private static final int END_LINE_MAX = "-----END ENCRYPTED PRIVATE KEY-----".length();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Finding> find(CharSequence text) {
    List<Finding> found = new ArrayList<>();
    Matcher begin = BEGIN.matcher(text);
    Matcher end = END.matcher(text);
    int from = 0;
    while (from < text.length() && begin.find(from)) {
      int bodyEnd = walkBody(text, begin.end());
      int stop = endLineAt(text, end, skipSeparators(text, bodyEnd));
      int matchEnd = stop > 0 ? stop : bodyEnd;
      found.add(new Finding(NAME, begin.start(), matchEnd));
      from = matchEnd;
    }
    return found;
  }

  @Override
  public int continuation(CharSequence rest) {
    int bodyEnd = walkBody(rest, 0);
    int at = skipSeparators(rest, bodyEnd);
    if (at == rest.length()) {
      return -1;
    }
    int stop = endLineAt(rest, END.matcher(rest), at);
    if (stop > 0) {
      return stop;
    }
    // Possibly the first characters of the END line, cut by the chunk boundary: wait for more.
    if (rest.charAt(at) == '-' && rest.length() - at < END_LINE_MAX) {
      return -1;
    }
    return bodyEnd;
  }

  /** The end of the END line that starts at {@code at}, or -1. */
  private static int endLineAt(CharSequence text, Matcher end, int at) {
    end.region(at, Math.min(text.length(), at + END_LINE_MAX));
    return end.lookingAt() ? end.end() : -1;
  }

  /**
   * The end of the last body line from {@code from}: lines of base64, or encryption headers,
   * separated by line breaks. Each character is looked at a bounded number of times.
   */
  static int walkBody(CharSequence text, int from) {
    int pos = from;
    int lastEnd = from;
    while (true) {
      int lineStart = skipSeparators(text, pos);
      if (lineStart == text.length()) {
        return lastEnd;
      }
      int lineEnd;
      if (startsWith(text, lineStart, "Proc-Type:") || startsWith(text, lineStart, "DEK-Info:")) {
        lineEnd = lineStart;
        while (lineEnd < text.length() && !isBreakAt(text, lineEnd)) {
          lineEnd++;
        }
      } else {
        lineEnd = lineStart;
        while (lineEnd < text.length() && isBase64(text.charAt(lineEnd))) {
          lineEnd++;
        }
        if (lineEnd == lineStart || lineEnd < text.length() && !isBreakAt(text, lineEnd)) {
          // Not a clean base64 line (prose, or the END line): the body ended before it. A line cut
          // by the end of the text counts: in a stream it may be the key still arriving.
          return lastEnd;
        }
      }
      lastEnd = lineEnd;
      pos = lineEnd;
    }
  }

  private static int skipSeparators(CharSequence text, int pos) {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
        pos++;
      } else if (c == '\\' && pos + 1 < text.length()
          && (text.charAt(pos + 1) == 'n' || text.charAt(pos + 1) == 'r')) {
        pos += 2;
      } else {
        return pos;
      }
    }
    return pos;
  }

  private static boolean isBreakAt(CharSequence text, int pos) {
    char c = text.charAt(pos);
    return c == '\n' || c == '\r'
        || c == '\\' && pos + 1 < text.length() && (text.charAt(pos + 1) == 'n' || text.charAt(pos + 1) == 'r');
  }

  private static boolean isBase64(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
        || c == '+' || c == '/' || c == '=';
  }

  private static boolean startsWith(CharSequence text, int at, String prefix) {
    if (at + prefix.length() > text.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (text.charAt(at + i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
