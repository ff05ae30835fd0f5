package dev.portcullis.common.net;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A set of IPv4 and IPv6 networks in CIDR notation ({@code 10.0.0.0/8, ::1/128}), for settings
 * such as {@code PORTCULLIS_TRUSTED_NETWORKS} and {@code PORTCULLIS_TRUSTED_PROXIES}. Parsing
 * never resolves a host name: only literal addresses are accepted, so a setting can never make
 * Portcullis ask DNS, and an address a client sends can never be mistaken for a name.
 *
 * <p>An IPv4-mapped IPv6 address ({@code ::ffff:127.0.0.1}) is matched as the IPv4 address it
 * carries, the way a dual-stack socket reports IPv4 peers.
 */
public final class NetworkRanges {

  private static final NetworkRanges NONE = new NetworkRanges(List.of(), "");
  // Literal addresses only: digits and dots, or hex digits and colons (with an optional dotted tail).
  private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

  private final List<Range> ranges;
  private final String text;

  private NetworkRanges(List<Range> ranges, String text) {
    this.ranges = List.copyOf(ranges);
    this.text = text;
  }

  public static NetworkRanges none() {
    return NONE;
  }

  /**
   * The ranges of a comma-separated setting; {@code fallback} when the setting is absent, and no
   * range at all when it is present but empty (an operator saying "none").
   */
  public static NetworkRanges fromSetting(Settings settings, String key, String fallback) {
    boolean present = settings.json().containsKey(key);
    String value = present ? String.valueOf(settings.json().getValue(key)).trim() : fallback;
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(key, e.getMessage());
    }
  }

  /** Parses {@code a.b.c.d/n, x::y/n, ...}; an address without a prefix length is one host. */
  public static NetworkRanges parse(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return NONE;
    }
    List<Range> ranges = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      String cidr = part.trim();
      if (!cidr.isEmpty()) {
        ranges.add(Range.parse(cidr));
      }
    }
    return new NetworkRanges(ranges, String.join(",", ranges.stream().map(Range::toString).toList()));
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether the literal address (as a socket reports it) lies in one of the ranges. */
  public boolean contains(String address) {
    if (ranges.isEmpty() || address == null) {
      return false;
    }
    byte[] bytes = literalBytes(address);
    return bytes != null && contains(bytes);
  }

  public boolean contains(InetAddress address) {
    return address != null && contains(address.getAddress());
  }

  private boolean contains(byte[] address) {
    byte[] normalized = unmapIpv4(address);
    for (Range range : ranges) {
      if (range.contains(normalized)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bytes of a literal IPv4 or IPv6 address, or {@code null} when the text is not one. Never
   * looks anything up. A zone id ({@code fe80::1%eth0}) is ignored.
   */
  public static byte[] literalBytes(String address) {
    String literal = address.trim();
    if (literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    int zone = literal.indexOf('%');
    if (zone >= 0) {
      literal = literal.substring(0, zone);
    }
    if (literal.isEmpty() || literal.length() > 45 || !LITERAL.matcher(literal).matches()) {
      return null;
    }
    if (literal.indexOf(':') < 0 && !isDottedQuad(literal)) {
      return null;
    }
    try {
      // With a literal (checked above) InetAddress parses and never resolves.
      return unmapIpv4(InetAddress.getByName(literal).getAddress());
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isDottedQuad(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private static byte[] unmapIpv4(byte[] address) {
    if (address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
      return address;
    }
    return new byte[] {address[12], address[13], address[14], address[15]};
  }

  @Override
  public String toString() {
    return text;
  }

  /** One network: its address bytes and prefix length. */
  private record Range(byte[] network, int prefixLength, String text) {

    static Range parse(String cidr) {
      int slash = cidr.indexOf('/');
      String host = slash < 0 ? cidr : cidr.substring(0, slash);
      byte[] bytes = literalBytes(host);
      if (bytes == null) {
        throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 or IPv6 network in CIDR notation");
      }
      int bits = bytes.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(cidr.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("'" + cidr + "' has a prefix length outside 0.." + bits);
        }
      }
      return new Range(bytes, prefix, cidr);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixLength / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixLength % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
