package dev.portcullis.router.translate.openai;

import java.security.SecureRandom;

/**
 * Mints ids such as {@code call_…}, {@code msg_…} or {@code resp_…}. Injected so that tests can
 * make ids predictable.
 */
@FunctionalInterface
public interface IdMinter {

  String mint(String prefix);

  /** Random ids: the prefix followed by 24 base62 characters. */
  static IdMinter random() {
    SecureRandom random = new SecureRandom();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    return prefix -> {
      StringBuilder id = new StringBuilder(prefix);
      for (int i = 0; i < 24; i++) {
        id.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      return id.toString();
    };
  }
}
