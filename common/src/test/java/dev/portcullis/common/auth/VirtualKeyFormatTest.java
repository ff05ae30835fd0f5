package dev.portcullis.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VirtualKeyFormatTest {

  private final byte[] checksumKey = VirtualKeyFormat.checksumKey(RandomTokens.base62(48));

  @Test
  void aMintedKeyIsBase62WithAChecksumThatVerifiesUnderItsKeyOnly() {
    String key = VirtualKeyFormat.mint(checksumKey);
    assertThat(key).matches("pc-vk-[0-9A-Za-z]{51}").hasSize(VirtualKeyFormat.LENGTH);
    assertThat(VirtualKeyFormat.checksumValid(key, checksumKey)).isTrue();
    assertThat(VirtualKeyFormat.checksumValid(key, VirtualKeyFormat.checksumKey(RandomTokens.base62(48)))).isFalse();
  }

  @Test
  void madeUpChangedAndOldStyleKeysFailTheCheck() {
    String key = VirtualKeyFormat.mint(checksumKey);
    char last = key.charAt(key.length() - 1);
    String changed = key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');
    String changedBody = key.substring(0, 10) + (key.charAt(10) == 'a' ? 'b' : 'a') + key.substring(11);
    assertThat(VirtualKeyFormat.checksumValid(changed, checksumKey)).isFalse();
    assertThat(VirtualKeyFormat.checksumValid(changedBody, checksumKey)).isFalse();
    assertThat(VirtualKeyFormat.checksumValid("pc-vk-" + RandomTokens.base62(40), checksumKey)).isFalse();
    assertThat(VirtualKeyFormat.checksumValid("pc-vk-" + RandomTokens.base62(51), checksumKey)).isFalse();
    assertThat(VirtualKeyFormat.checksumValid(key.replace('A', '-'), checksumKey)).isEqualTo(!key.contains("A"));
    assertThat(VirtualKeyFormat.checksumValid(null, checksumKey)).isFalse();
  }

  @Test
  void checksumsMatchKnownAnswersSoKeysIssuedBeforeStayValid() {
    // Computed independently (HMAC-SHA256 over the body, its first 64 bits as an unsigned number
    // in base 62): three have the top bit set, where a signed reading would go wrong.
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i + 1);
    }
    assertThat(VirtualKeyFormat.checksumValid("pc-vk-" + "a".repeat(40) + "8j9x686Lw16", key)).isTrue();
    assertThat(VirtualKeyFormat.checksumValid("pc-vk-" + "0123456789".repeat(4) + "FbU8E4cWZlY", key)).isTrue();
    assertThat(VirtualKeyFormat.checksumValid("pc-vk-" + "Z".repeat(40) + "I07cIIt9V26", key)).isTrue();
    assertThat(VirtualKeyFormat.checksumValid("pc-vk-" + "b".repeat(40) + "BVUFEXJ0GiB", key)).isTrue();
    assertThat(VirtualKeyFormat.checksumValid("pc-vk-" + "b".repeat(40) + "BVUFEXJ0GiC", key)).isFalse();
    byte[] otherKey = key.clone();
    otherKey[0] = 9;
    assertThat(VirtualKeyFormat.checksumValid("pc-vk-" + "a".repeat(40) + "8j9x686Lw16", otherKey)).isFalse();
    // Back to the first key on the same thread: the per-thread HMAC follows the key it is given.
    assertThat(VirtualKeyFormat.checksumValid("pc-vk-" + "a".repeat(40) + "8j9x686Lw16", key)).isTrue();
  }
}
