package dev.portcullis.policy.sensitive;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Phone numbers, found by Google's libphonenumber ({@link PhoneNumberUtil#findNumbers} with
 * leniency {@code VALID}: a number that is possible and valid for its region). Without a default
 * region only numbers in international form ({@code +} and a country code) are found; with one
 * (an ISO 3166 code such as {@code DE}), national numbers of that region too.
 */
final class PhoneDetector implements Detector {

  static final String NAME = "phone";
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private static final String UNKNOWN_REGION = "ZZ";
  private final String region;

  PhoneDetector(String defaultRegion) {
    if (defaultRegion != null && !UTIL.getSupportedRegions().contains(defaultRegion)) {
      throw new IllegalArgumentException("unknown phone region: " + defaultRegion);
    }
    this.region = defaultRegion == null ? UNKNOWN_REGION : defaultRegion;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Finding> find(CharSequence text) {
    List<Finding> found = new ArrayList<>();
    if (region.equals(UNKNOWN_REGION) && !hasPlus(text)) {
      return found; // without a region only "+..." numbers are found: skip the matcher's work
    }
    for (PhoneNumberMatch m : UTIL.findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
      found.add(new Finding(NAME, m.start(), m.end()));
    }
    return found;
  }

  /** A plus sign as libphonenumber reads one: ASCII or full-width. */
  private static boolean hasPlus(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+' || c == '\uFF0B') {
        return true;
      }
    }
    return false;
  }
}
