package dev.portcullis.common.http;

import java.nio.charset.StandardCharsets;

/**
 * A value as one URL path segment (or query value). Everything but RFC 3986's unreserved
 * characters is percent-encoded, as the AWS SDKs do: Bedrock inference-profile ids and ARNs hold
 * {@code :} and {@code /}, which must go as {@code %3A} and {@code %2F}.
 */
public final class PathSegments {

  private PathSegments() {}

  public static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
