package dev.portcullis.auth.store;

/**
 * A stored provider credential ("LLM API key") as it sits in the database: the key and the extra
 * headers only as {@link dev.portcullis.auth.SecretCipher} ciphertext, decrypted only when a
 * principal is assembled for the gateway.
 *
 * @param encryptedApiKey       ciphertext of the API key, or {@code null} when the key has none
 *                              (the organisation default key for the provider is then used)
 * @param encryptedExtraHeaders ciphertext of the extra headers as a JSON object, or {@code null}
 */
public record ProviderKey(String id, String provider, String name, String encryptedApiKey, String baseUrl,
    String inferenceUrl, String encryptedExtraHeaders, long createdAt) {

  public boolean hasApiKey() {
    return encryptedApiKey != null;
  }

  @Override
  public String toString() {
    // Ciphertext is not a usable secret, but it has no business in logs either.
    return "ProviderKey[" + id + " " + provider + " '" + name + "', apiKey=" + (hasApiKey() ? "<sealed>" : "none")
        + ", baseUrl=" + baseUrl + ", inferenceUrl=" + inferenceUrl + "]";
  }

  /** Where calls go: the inference URL when set, else the base URL, else {@code null} (the provider's configured one). */
  public String upstreamUrl() {
    return inferenceUrl != null ? inferenceUrl : baseUrl;
  }
}
