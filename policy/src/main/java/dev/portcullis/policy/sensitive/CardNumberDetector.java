package dev.portcullis.policy.sensitive;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.validator.routines.checkdigit.LuhnCheckDigit;

/**
 * Payment card numbers: 13 to 19 digits, optionally grouped by single spaces or dashes, standing
 * alone (no ASCII digit or letter touching either end: a card right after a CJK character counts) and passing the Luhn check (commons-validator
 * {@link LuhnCheckDigit}). A longer run of digits is not searched for a card inside it.
 */
final class CardNumberDetector implements Detector {

  static final String NAME = "card-number";
  static final int MIN_DIGITS = 13;
  static final int MAX_DIGITS = 19;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Finding> find(CharSequence text) {
    List<Finding> found = new ArrayList<>();
    int n = text.length();
    int i = 0;
    StringBuilder digits = new StringBuilder(MAX_DIGITS);
    while (i < n) {
      if (!isDigit(text.charAt(i)) || i > 0 && isAsciiAlnum(text.charAt(i - 1))) {
        i++;
        continue;
      }
      // One pass over the run of digits and single separators: every character is seen once.
      digits.setLength(0);
      int end = i;
      int count = 0;
      while (end < n) {
        char c = text.charAt(end);
        if (isDigit(c)) {
          if (++count <= MAX_DIGITS) {
            digits.append(c);
          }
          end++;
        } else if ((c == ' ' || c == '-') && end + 1 < n && isDigit(text.charAt(end + 1))) {
          end++;
        } else {
          break;
        }
      }
      boolean standsAlone = end == n || !isAsciiAlnum(text.charAt(end));
      if (standsAlone && count >= MIN_DIGITS && count <= MAX_DIGITS
          && LuhnCheckDigit.LUHN_CHECK_DIGIT.isValid(digits.toString())) {
        found.add(new Finding(NAME, i, end));
      }
      i = end;
    }
    return found;
  }

  static boolean isAsciiAlnum(char c) {
    return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
