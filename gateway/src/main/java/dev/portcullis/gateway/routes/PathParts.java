package dev.portcullis.gateway.routes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Checks a value that becomes part of an upstream URL path: a model id in a Gemini or Bedrock
 * path, an Azure deployment name, a Bedrock {@code modelId} or a model router's native id. Nothing
 * in it may change which upstream path is called: no {@code /} (except between the parts of a
 * Bedrock ARN, which the AWS SDKs send as {@code %2F} inside one segment), no {@code ?} or
 * {@code #}, no {@code .} or {@code ..} part, no control character, no backslash, and no
 * {@code %} left after one decoding (a double-encoded {@code %252F} would turn into a slash at a
 * server that decodes twice).
 */
public final class PathParts {

  private PathParts() {}

  /**
   * The problem with a path segment as the client sent it (still percent-encoded), or
   * {@code null} when it is safe to forward.
   *
   * @param slashesAllowed whether {@code %2F} may separate parts of the value (Bedrock ARNs)
   */
  public static String problemWithEncoded(String encoded, boolean slashesAllowed) {
    String decoded = percentDecode(encoded);
    return decoded == null ? "has a malformed percent escape" : problemWithDecoded(decoded, slashesAllowed);
  }

  /** The problem with a value that will be placed (and encoded) into a path, or {@code null}. */
  public static String problemWithDecoded(String value, boolean slashesAllowed) {
    if (value.isEmpty()) {
      return "is empty";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "holds a control character";
      }
      switch (c) {
        case '?', '#' -> {
          return "holds '" + c + "', which would end the path";
        }
        case '\\' -> {
          return "holds a backslash";
        }
        case '%' -> {
          return "is percent-encoded twice";
        }
        case '/' -> {
          if (!slashesAllowed) {
            return "holds '/', which would add a path segment";
          }
        }
        default -> { }
      }
    }
    for (String part : slashesAllowed ? value.split("/", -1) : new String[] {value}) {
      if (part.isEmpty()) {
        return "has an empty part between slashes";
      }
      if (part.equals(".") || part.equals("..")) {
        return "has a '" + part + "' part, which would move the path";
      }
    }
    return null;
  }

  /** Decodes {@code %XX} escapes (UTF-8); {@code null} when an escape is malformed. */
  static String percentDecode(String encoded) {
    if (encoded.indexOf('%') < 0) {
      return encoded;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          return null;
        }
        int high = Character.digit(encoded.charAt(i + 1), 16);
        int low = Character.digit(encoded.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else {
        int codePoint = encoded.codePointAt(i);
        byte[] utf8 = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
        i += Character.charCount(codePoint) - 1;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
