package dev.portcullis.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869). One secret ({@code ARCHESTRA_AUTH_SECRET}) yields independent
 * keys for independent uses, told apart by the {@code info} label, so the at-rest encryption key
 * and the token signing key never coincide.
 */
public final class Hkdf {

  private static final String HMAC = "HmacSHA256";
  private static final int HASH_LENGTH = 32;
  /** A fixed salt: the input is already a high-entropy secret, the salt only separates us from other HKDF users. */
  private static final byte[] SALT = "portcullis-hkdf-salt-v1".getBytes(StandardCharsets.UTF_8);

  private Hkdf() {}

  /** A 32-byte key for the use named by {@code info}. */
  public static byte[] deriveKey(String secret, String info) {
    return derive(secret.getBytes(StandardCharsets.UTF_8), SALT, info.getBytes(StandardCharsets.UTF_8), 32);
  }

  public static byte[] derive(byte[] inputKey, byte[] salt, byte[] info, int length) {
    if (length > 255 * HASH_LENGTH) {
      throw new IllegalArgumentException("HKDF cannot produce more than " + 255 * HASH_LENGTH + " bytes");
    }
    try {
      byte[] pseudoRandomKey = hmac(salt.length == 0 ? new byte[HASH_LENGTH] : salt, inputKey);
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(pseudoRandomKey, HMAC));
      byte[] output = new byte[length];
      byte[] block = new byte[0];
      int written = 0;
      for (int counter = 1; written < length; counter++) {
        mac.update(block);
        mac.update(info);
        mac.update((byte) counter);
        block = mac.doFinal();
        int take = Math.min(block.length, length - written);
        System.arraycopy(block, 0, output, written, take);
        written += take;
      }
      return output;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance(HMAC);
    mac.init(new SecretKeySpec(key, HMAC));
    return mac.doFinal(data);
  }
}
