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
}
