package dev.portcullis.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 hex of a credential: what auth-service stores and what gateways cache answers by. */
public final class CredentialHash {

  /** One digest per thread: looking one up for every call with a credential was a measurable cost. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  });
  private static final HexFormat HEX = HexFormat.of();

  private CredentialHash() {}

  public static String sha256Hex(String credential) {
    // digest() resets the digest, so the next call starts clean.
    return HEX.formatHex(SHA_256.get().digest(credential.getBytes(StandardCharsets.UTF_8)));
  }

  /** Compares two hashes in constant time, so a timing difference tells nothing about a stored hash. */
  public static boolean sameHash(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
