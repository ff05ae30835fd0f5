package dev.portcullis.policy.sensitive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * JSON Web Tokens (RFC 7519, compact JWS of RFC 7515): base64url parts joined by dots whose first
 * part decodes to a JSON object naming an {@code alg}. A header and a dot are enough (the payload
 * and signature may be empty, as in {@code alg: none}, or still arriving in a stream); the match
 * runs to the end of the run of base64url characters and dots, so an encrypted JWE (five parts)
 * is covered whole.
 */
final class JwtDetector implements Detector {

  static final String NAME = "jwt";
  /** A JOSE header is small; a longer base64url run starting with {@code eyJ} is not decoded. */
  private static final int HEADER_MAX = 4096;
  private static final Pattern ALG = Pattern.compile("\"alg\"\\s{0,8}:");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Finding> find(CharSequence text) {
    List<Finding> found = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i + 3 <= n) {
      // "eyJ" is '{"' in base64url: every JSON header starts with it. The left neighbour must not
      // be part of the same token.
      if (text.charAt(i) != 'e' || text.charAt(i + 1) != 'y' || text.charAt(i + 2) != 'J'
          || i > 0 && (isBase64Url(text.charAt(i - 1)) || text.charAt(i - 1) == '.')) {
        i++;
        continue;
      }
      int headerEnd = i;
      while (headerEnd < n && isBase64Url(text.charAt(headerEnd))) {
        headerEnd++;
      }
      if (headerEnd < n && text.charAt(headerEnd) == '.' && headerEnd - i <= HEADER_MAX
          && headerNamesAlg(text.subSequence(i, headerEnd))) {
        int end = headerEnd + 1;
        while (end < n && (isBase64Url(text.charAt(end)) || text.charAt(end) == '.')) {
          end++;
        }
        found.add(new Finding(NAME, i, end));
        i = end;
      } else {
        i = headerEnd;
      }
    }
    return found;
  }

  @Override
  public int continuation(CharSequence rest) {
    int i = 0;
    while (i < rest.length() && (isBase64Url(rest.charAt(i)) || rest.charAt(i) == '.')) {
      i++;
    }
    return i == rest.length() ? -1 : i;
  }

  private static boolean headerNamesAlg(CharSequence header) {
    byte[] json;
    try {
      json = Base64.getUrlDecoder().decode(header.toString());
    } catch (IllegalArgumentException notBase64Url) {
      return false;
    }
    String s = new String(json, StandardCharsets.UTF_8).strip();
    return s.startsWith("{") && s.endsWith("}") && ALG.matcher(s).find();
  }

  static boolean isBase64Url(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
  }
}
