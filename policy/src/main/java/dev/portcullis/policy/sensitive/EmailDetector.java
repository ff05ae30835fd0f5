package dev.portcullis.policy.sensitive;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.validator.routines.EmailValidator;

/**
 * E-mail addresses. A permissive scan takes each {@code @} with the run of local-part characters
 * before it (at most 64, RFC 5321; letters, digits and {@code . _ % + -}) and of domain characters after it (at most 253); Apache
 * commons-validator's {@link EmailValidator} (no local domains, known TLDs only) confirms it.
 * ASCII only: an address written with non-ASCII characters is not found.
 */
final class EmailDetector implements Detector {

  static final String NAME = "email";
  static final int LOCAL_MAX = 64;
  static final int DOMAIN_MAX = 253;
  private static final EmailValidator VALIDATOR = EmailValidator.getInstance(false, false);
  /**
   * The local-part characters that occur in practice. RFC 5322 also allows {@code ! # $ & ' * / =
   * ? ^ ` { | } ~}, but in text they nearly always are the punctuation before an address
   * ({@code to='jane@...}); an address using them is found from after the last of them.
   */
  private static final String LOCAL_SPECIALS = "._%+-";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Finding> find(CharSequence text) {
    List<Finding> found = new ArrayList<>();
    int n = text.length();
    int lastEnd = 0;
    for (int at = 0; at < n; at++) {
      if (text.charAt(at) != '@') {
        continue;
      }
      int start = at;
      while (start > lastEnd && at - start < LOCAL_MAX && isLocal(text.charAt(start - 1))) {
        start--;
      }
      // Nor does it begin with a dot, plus or dash ("mailto=.bob@..." is bob's).
      while (start < at && !isWordChar(text.charAt(start))) {
        start++;
      }
      int end = at + 1;
      while (end < n && end - at - 1 < DOMAIN_MAX && isDomain(text.charAt(end))) {
        end++;
      }
      while (end > at + 1 && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == '-')) {
        end--;
      }
      if (start == at || end == at + 1) {
        continue;
      }
      if (VALIDATOR.isValid(text.subSequence(start, end).toString())) {
        found.add(new Finding(NAME, start, end));
        lastEnd = end;
        at = end - 1;
      }
    }
    return found;
  }

  private static boolean isLocal(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
        || c < 128 && LOCAL_SPECIALS.indexOf(c) >= 0;
  }

  private static boolean isWordChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
  }

  private static boolean isDomain(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-';
  }
}
