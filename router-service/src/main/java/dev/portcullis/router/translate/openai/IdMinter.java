package dev.portcullis.router.translate.openai;

import java.security.SecureRandom;

/**
 * Mints ids such as {@code call_…}, {@code msg_…} or {@code resp_…}. Injected so that tests can
 * make ids predictable.
 */
@FunctionalInterface
public interface IdMinter {

  String mint(String prefix);

  /**
   * Random ids: the prefix followed by 24 base62 characters. Every call mints one (a completion id
   * per routed call), so the random bytes are drawn in one {@code nextBytes} call rather than one
   * {@code nextInt} per character: each SecureRandom call takes a lock and runs a digest.
   */
  static IdMinter random() {
    SecureRandom random = new SecureRandom();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    int length = 24;
    return prefix -> {
      StringBuilder id = new StringBuilder(prefix.length() + length).append(prefix);
      int wanted = prefix.length() + length;
      byte[] bytes = new byte[32];
      while (id.length() < wanted) {
        random.nextBytes(bytes);
        for (int i = 0; i < bytes.length && id.length() < wanted; i++) {
          // Six bits give 64 equally likely values; dropping the two beyond the alphabet keeps
          // every character equally likely (32 bytes almost always suffice for 24 characters).
          int value = bytes[i] & 0x3F;
          if (value < alphabet.length()) {
            id.append(alphabet.charAt(value));
          }
        }
      }
      return id.toString();
    };
  }
}
