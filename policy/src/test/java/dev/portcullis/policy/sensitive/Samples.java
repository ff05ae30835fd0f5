package dev.portcullis.policy.sensitive;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Made-up secrets and personal data of the right shapes (none is live). */
final class Samples {

  static final String AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String OPENAI = "sk-proj-" + "Ab3dEf6hIj9kLm2oPq5sTu8wXy1zAb4dEf7hIj0kLm3oPq6sTu9wXy2zAb5dEf8hIj1k";
  static final String ANTHROPIC = "sk-ant-api03-" + "x".repeat(40) + "Q7_-" + "z".repeat(47) + "AA";
  static final String GOOGLE = "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q";
  static final String GROQ = "gsk_" + "aB3".repeat(17) + "x";
  static final String XAI = "xai-" + "Zy9".repeat(26) + "ab";
  static final String HUGGING_FACE = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh";
  static final String GITHUB = "ghp_" + "1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R";
  static final String GITHUB_FINE = "github_pat_" + "11ABCDEFG0" + "a".repeat(72);
  static final String SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
  static final String STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc";
  static final String EMAIL = "jane.doe+llm@example.co.uk";
  static final String CARD = "4111 1111 1111 1111";
  static final String IBAN = "DE89 3704 0044 0532 0130 00";
  static final String IBAN_COMPACT = "GB82WEST12345698765432";
  static final String PHONE = "+1 650-253-0000";

  static String jwt() {
    return b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64("{\"sub\":\"1234567890\",\"name\":\"Jane\"}")
        + "." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  }

  static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A real (throw-away) RSA key in PKCS#8 PEM, lines of 64 joined by {@code lineBreak}. */
  static String pem(String lineBreak) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      byte[] der = gen.generateKeyPair().getPrivate().getEncoded();
      String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der).replace("\n", lineBreak);
      return "-----BEGIN PRIVATE KEY-----" + lineBreak + body + lineBreak + "-----END PRIVATE KEY-----";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Samples() {}
}
