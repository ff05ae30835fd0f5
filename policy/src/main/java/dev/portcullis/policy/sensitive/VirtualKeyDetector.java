package dev.portcullis.policy.sensitive;

import dev.portcullis.common.auth.VirtualKeyFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Portcullis virtual keys ({@link VirtualKeyFormat}): {@code pc-vk-} + 40 base62 characters + an
 * 11-character checksum (also the older 40-character form without one). The checksum is an HMAC
 * under a key derived from auth-service's secret, so it cannot be checked without that secret:
 * given the checksum key, only keys whose checksum holds are found; without it, the shape is
 * enough.
 */
final class VirtualKeyDetector implements Detector {

  static final String NAME = "virtual-key";
  private static final Pattern SHAPE = Pattern.compile(
      "(?<![A-Za-z0-9_-])" + Pattern.quote(VirtualKeyFormat.PREFIX)
          + "[0-9A-Za-z]{" + VirtualKeyFormat.RANDOM_CHARS + "}"
          + "(?:[0-9A-Za-z]{" + VirtualKeyFormat.CHECKSUM_CHARS + "})?+(?![A-Za-z0-9_-])");
  private final byte[] checksumKey;

  VirtualKeyDetector(byte[] checksumKey) {
    this.checksumKey = checksumKey == null ? null : checksumKey.clone();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Finding> find(CharSequence text) {
    List<Finding> found = new ArrayList<>();
    int first = text.toString().indexOf(VirtualKeyFormat.PREFIX);
    if (first < 0) {
      return found;
    }
    Matcher m = SHAPE.matcher(text).useTransparentBounds(true).region(first, text.length());
    while (m.find()) {
      if (checksumKey == null || VirtualKeyFormat.checksumValid(m.group(), checksumKey)) {
        found.add(new Finding(NAME, m.start(), m.end()));
      }
    }
    return found;
  }
}
