package dev.portcullis.common.auth;

import java.security.SecureRandom;

/** Random base62 strings for keys, client ids, secrets and admin tokens. */
public final class RandomTokens {

  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomTokens() {}

  /** {@code length} characters, each chosen uniformly (about 5.95 bits of entropy per character). */
  public static String base62(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(BASE62[RANDOM.nextInt(BASE62.length)]);
    }
    return text.toString();
  }
}
