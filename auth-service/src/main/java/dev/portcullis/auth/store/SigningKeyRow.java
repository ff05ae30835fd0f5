package dev.portcullis.auth.store;

/**
 * A stored access-token signing key.
 *
 * @param encryptedPrivateJwk the private JWK sealed by {@code SecretCipher}
 * @param retiredAt           when a newer key took over (epoch millis), {@code null} while current
 */
public record SigningKeyRow(String kid, String encryptedPrivateJwk, long createdAt, Long retiredAt) {

  @Override
  public String toString() {
    return "SigningKeyRow[" + kid + ", createdAt=" + createdAt + ", retiredAt=" + retiredAt + "]";
  }
}
