package dev.portcullis.gateway.auth;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.net.NetworkRanges;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is calling: the client address of a request, and the key the failed-lookup limiter counts
 * it under.
 *
 * <p>The address is the TCP peer's, unless that peer is a trusted proxy
 * ({@code PORTCULLIS_TRUSTED_PROXIES}, CIDRs, default none): then {@code X-Forwarded-For} is read
 * from the right, skipping trusted proxies, and the first address that is not one is the client.
 * A client can put anything at the left of that header, but only what the proxies we trust
 * appended counts. With no trusted proxy configured the header is ignored entirely.
 */
public final class ClientAddresses {

  public static final String TRUSTED_PROXIES_SETTING = "PORTCULLIS_TRUSTED_PROXIES";
  private static final String FORWARDED_FOR = "X-Forwarded-For";

  private final NetworkRanges trustedProxies;
  /**
   * The last TCP peer seen and its normalized form: most calls come from the same few peers (a
   * load balancer, a sidecar, one host), and parsing the literal again on every call was a
   * measurable cost. Immutable, so sharing it between event loops needs no lock.
   */
  private volatile PeerAddress lastPeer = new PeerAddress("", null);

  private record PeerAddress(String peer, String normalized) {}

  public ClientAddresses(NetworkRanges trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  /** From {@code PORTCULLIS_TRUSTED_PROXIES} (absent or empty: none). */
  public static ClientAddresses fromSettings(Settings settings) {
    return new ClientAddresses(NetworkRanges.fromSetting(settings, TRUSTED_PROXIES_SETTING, ""));
  }

  /**
   * The client's address for this request, as a normalized literal (IPv4 dotted, IPv6 in Java's
   * full form, an IPv4-mapped IPv6 peer as IPv4), or {@code null} when the peer is unknown.
   * Never resolves a name.
   */
  public String clientAddress(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    return clientAddress(peer, request.headers().getAll(FORWARDED_FOR));
  }

  /**
   * The same from its parts: the TCP peer's address and every {@code X-Forwarded-For} header in
   * the order received.
   */
  public String clientAddress(String peer, List<String> forwardedFor) {
    String hop = normalizePeer(peer);
    if (hop == null) {
      return peer;
    }
    if (!trustedProxies.contains(hop) || forwardedFor == null || forwardedFor.isEmpty()) {
      return hop;
    }
    List<String> chain = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String entry : header.split(",")) {
        if (!entry.isBlank()) {
          chain.add(entry.trim());
        }
      }
    }
    // From the right: each trusted hop vouches for the entry to its left.
    for (int i = chain.size() - 1; i >= 0; i--) {
      String entry = normalize(withoutPort(chain.get(i)));
      if (entry == null) {
        // A trusted proxy passed on something that is no address: the last hop we trust is all we know.
        return hop;
      }
      hop = entry;
      if (!trustedProxies.contains(entry)) {
        return entry;
      }
    }
    // Every address was a trusted proxy: the leftmost is the furthest we can see.
    return hop;
  }

  /**
   * What the failed-lookup limiter counts a client under: its IPv4 address, or the /64 of its
   * IPv6 address (one subscriber usually holds a whole /64, so counting single IPv6 addresses
   * would let one caller guess from 2^64 of them). {@code unknown} for no address.
   */
  public static String limiterKey(String clientAddress) {
    byte[] bytes = clientAddress == null ? null : NetworkRanges.literalBytes(clientAddress);
    if (bytes == null) {
      return clientAddress == null ? "unknown" : clientAddress;
    }
    if (bytes.length == 4) {
      return text(bytes);
    }
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
    }
    return prefix.append(":/64").toString();
  }

  private String normalizePeer(String peer) {
    PeerAddress last = lastPeer;
    if (peer != null && peer.equals(last.peer())) {
      return last.normalized();
    }
    String normalized = normalize(peer);
    if (peer != null && normalized != null) {
      lastPeer = new PeerAddress(peer, normalized);
    }
    return normalized;
  }

  /** The normalized literal, or {@code null} when the text is not an IP address. */
  private static String normalize(String address) {
    if (address == null) {
      return null;
    }
    byte[] bytes = NetworkRanges.literalBytes(address);
    return bytes == null ? null : text(bytes);
  }

  /** {@code 1.2.3.4:5678} and {@code [2001:db8::1]:443} without their ports; anything else as is. */
  private static String withoutPort(String entry) {
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      return close > 0 ? entry.substring(1, close) : entry;
    }
    int colon = entry.indexOf(':');
    if (colon > 0 && colon == entry.lastIndexOf(':') && entry.indexOf('.') >= 0) {
      return entry.substring(0, colon);
    }
    return entry;
  }

  private static String text(byte[] bytes) {
    try {
      // From raw bytes: no lookup happens.
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always an address", e);
    }
  }
}
