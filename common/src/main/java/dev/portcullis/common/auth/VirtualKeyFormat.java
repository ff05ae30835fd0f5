package dev.portcullis.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shape of a virtual key: {@code pc-vk-} + 40 random base62 characters + an 11-character
 * base62 checksum, the first 64 bits of HMAC-SHA256 (under the checksum key auth-service derives
 * from its secret) of everything before it. A gateway holding the checksum key refuses a made-up
 * key at once, without asking auth-service or its store; a guess passes with odds of 2^-64.
 *
 * <p>Keys made before the checksum existed ({@code pc-vk-} + 40 characters) fail the check and
 * are refused: they must be issued again.
 */
public final class VirtualKeyFormat {

  public static final String PREFIX = "pc-vk-";
  public static final int RANDOM_CHARS = 40;
  public static final int CHECKSUM_CHARS = 11;
  public static final int LENGTH = PREFIX.length() + RANDOM_CHARS + CHECKSUM_CHARS;
  private static final String CHECKSUM_KEY_INFO = "portcullis virtual-key checksum v1";
  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private VirtualKeyFormat() {}

  /** The checksum key, derived from the auth secret (HKDF, its own label). */
  public static byte[] checksumKey(String authSecret) {
    return Hkdf.deriveKey(authSecret, CHECKSUM_KEY_INFO);
  }

  /** Whether a credential claims to be a virtual key (says nothing of its validity). */
  public static boolean looksLikeVirtualKey(String credential) {
    return credential != null && credential.startsWith(PREFIX);
  }

  /** A new random key with its checksum. */
  public static String mint(byte[] checksumKey) {
    String body = PREFIX + RandomTokens.base62(RANDOM_CHARS);
    return body + checksum(body, checksumKey);
  }

  /** Whether the key has our shape and a checksum made under {@code checksumKey}; constant-time compare. */
  public static boolean checksumValid(String key, byte[] checksumKey) {
    if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < LENGTH; i++) {
      char c = key.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
        return false;
      }
    }
    String body = key.substring(0, LENGTH - CHECKSUM_CHARS);
    return MessageDigest.isEqual(checksum(body, checksumKey).getBytes(StandardCharsets.US_ASCII),
        key.substring(LENGTH - CHECKSUM_CHARS).getBytes(StandardCharsets.US_ASCII));
  }

  private static String checksum(String body, byte[] checksumKey) {
    byte[] mac = Hmacs.forKey(checksumKey).doFinal(body.getBytes(StandardCharsets.US_ASCII));
    // The first 64 bits as an unsigned number, in base 62, most significant digit first.
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (mac[i] & 0xff);
    }
    char[] digits = new char[CHECKSUM_CHARS];
    for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
      digits[i] = BASE62[(int) Long.remainderUnsigned(value, 62)];
      value = Long.divideUnsigned(value, 62);
    }
    return new String(digits);
  }

  /**
   * One ready HMAC per thread for the last checksum key it used: every call with a virtual key
   * checks its checksum, and looking up and keying a new {@link Mac} each time was a measurable
   * share of such a call's CPU. A {@link Mac} is reset by {@code doFinal}, so it is reused as is.
   */
  private static final class Hmacs {
    private static final ThreadLocal<Hmacs> PER_THREAD = new ThreadLocal<>();
    private final byte[] key;
    private final Mac mac;

    private Hmacs(byte[] key, Mac mac) {
      this.key = key;
      this.mac = mac;
    }

    static Mac forKey(byte[] checksumKey) {
      Hmacs cached = PER_THREAD.get();
      if (cached != null && MessageDigest.isEqual(cached.key, checksumKey)) {
        return cached.mac;
      }
      try {
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(checksumKey, "HmacSHA256"));
        PER_THREAD.set(new Hmacs(checksumKey.clone(), hmac));
        return hmac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
      }
    }
  }
}
