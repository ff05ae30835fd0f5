package dev.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

  private final SecretCipher cipher = SecretCipher.fromSecret("cipher-test-secret-0123456789");

  @Test
  void sealsWithAFreshNonceEveryTimeAndOpensAgain() {
    String first = cipher.encrypt("sk-live-key");
    String second = cipher.encrypt("sk-live-key");
    assertThat(first).startsWith("v1:").doesNotContain("sk-live-key").isNotEqualTo(second);
    assertThat(cipher.decrypt(first)).isEqualTo("sk-live-key");
    assertThat(SecretCipher.fromSecret("cipher-test-secret-0123456789").decrypt(second)).isEqualTo("sk-live-key");
    assertThat(cipher.encrypt(null)).isNull();
  }

  @Test
  void anotherSecretOrATamperedValueCannotBeOpenedAndTheErrorTellsNothing() {
    String sealed = cipher.encrypt("sk-live-key");
    assertThatThrownBy(() -> SecretCipher.fromSecret("some-other-secret-0123456789").decrypt(sealed))
        .hasMessageNotContaining("sk-live-key").hasNoCause();

    byte[] bytes = Base64.getDecoder().decode(sealed.substring(3));
    bytes[bytes.length - 1] ^= 1;
    assertThatThrownBy(() -> cipher.decrypt("v1:" + Base64.getEncoder().encodeToString(bytes)))
        .isInstanceOf(IllegalStateException.class);
  }
}
