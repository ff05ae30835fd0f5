package dev.portcullis.provider.bedrock;

import java.nio.charset.StandardCharsets;

/**
 * A Bedrock model id as one path segment: inference-profile ids and ARNs hold {@code :} and
 * {@code /}, which must go as {@code %3A} and {@code %2F}. Everything but RFC 3986's unreserved
 * characters is percent-encoded, as the AWS SDKs do.
 */
final class ModelIdPath {

  private ModelIdPath() {}

  static String encode(String modelId) {
    StringBuilder out = new StringBuilder();
    for (byte b : modelId.getBytes(StandardCharsets.UTF_8)) {
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
