package dev.portcullis.policy.sensitive;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.validator.routines.IBANValidator;

/**
 * IBANs, compact or printed in groups of four: a country code, two check digits and exactly the
 * country's length of upper-case letters and digits (single spaces allowed between them), confirmed
 * by commons-validator's {@link IBANValidator} (country format and mod-97 check).
 */
final class IbanDetector implements Detector {

  static final String NAME = "iban";
  private static final IBANValidator VALIDATOR = IBANValidator.getInstance();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Finding> find(CharSequence text) {
    List<Finding> found = new ArrayList<>();
    int n = text.length();
    int i = 0;
    StringBuilder compact = new StringBuilder(34);
    while (i + 4 <= n) {
      if (!isUpper(text.charAt(i)) || !isUpper(text.charAt(i + 1)) || !isDigit(text.charAt(i + 2))
          || !isDigit(text.charAt(i + 3)) || i > 0 && CardNumberDetector.isAsciiAlnum(text.charAt(i - 1))) {
        i++;
        continue;
      }
      IBANValidator.Validator country = VALIDATOR.getValidator(text.subSequence(i, i + 2).toString());
      if (country == null) {
        i++;
        continue;
      }
      int length = country.getIbanLength();
      compact.setLength(0);
      int end = i;
      while (end < n && compact.length() < length) {
        char c = text.charAt(end);
        if (isUpper(c) || isDigit(c)) {
          compact.append(c);
          end++;
        } else if (c == ' ' && compact.length() > 0 && end + 1 < n && isUpperOrDigit(text.charAt(end + 1))) {
          end++;
        } else {
          break;
        }
      }
      boolean standsAlone = end == n || !CardNumberDetector.isAsciiAlnum(text.charAt(end));
      if (compact.length() == length && standsAlone && VALIDATOR.isValid(compact.toString())) {
        found.add(new Finding(NAME, i, end));
        i = end;
      } else {
        i++;
      }
    }
    return found;
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isUpperOrDigit(char c) {
    return isUpper(c) || isDigit(c);
  }
}
