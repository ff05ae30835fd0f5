package dev.portcullis.auth;

import dev.portcullis.common.auth.Hkdf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts provider keys at rest: AES-256-GCM under a key derived (HKDF) from the auth secret, a
 * fresh random 96-bit nonce per value. Stored form: {@code v1:} + base64(nonce | ciphertext+tag);
 * the version prefix leaves room to rotate the scheme.
 */
public final class SecretCipher {

  private static final String KEY_INFO = "portcullis provider-key encryption v1";
  private static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private SecretCipher(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  public static SecretCipher fromSecret(String authSecret) {
    return new SecretCipher(Hkdf.deriveKey(authSecret, KEY_INFO));
  }

  /** The ciphertext of {@code plaintext}, or {@code null} for {@code null}. */
  public String encrypt(String plaintext) {
    if (plaintext == null) {
      return null;
    }
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
          .put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * The plaintext, or {@code null} for {@code null}. A value that was not sealed under this key
   * (the auth secret changed, or the row was tampered with) fails without saying more.
   */
  public String decrypt(String stored) {
    if (stored == null) {
      return null;
    }
    if (!stored.startsWith(PREFIX)) {
      throw new IllegalStateException("stored secret has an unknown format");
    }
    try {
      byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // No cause attached: the exception text of a crypto provider is no place for key material hints.
      throw new IllegalStateException("stored secret cannot be decrypted; was ARCHESTRA_AUTH_SECRET changed?");
    }
  }
}
