package dev.portcullis.common.auth;

import java.math.BigInteger;
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
  private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);

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
    byte[] mac;
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(checksumKey, "HmacSHA256"));
      mac = hmac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
    byte[] first64Bits = new byte[9];
    System.arraycopy(mac, 0, first64Bits, 1, 8);
    BigInteger value = new BigInteger(first64Bits);
    char[] digits = new char[CHECKSUM_CHARS];
    for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
      BigInteger[] divided = value.divideAndRemainder(SIXTY_TWO);
      digits[i] = BASE62[divided[1].intValue()];
      value = divided[0];
    }
    return new String(digits);
  }
}
