package dev.portcullis.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HkdfTest {

  @Test
  void matchesRfc5869TestCaseOne() {
    HexFormat hex = HexFormat.of();
    byte[] okm = Hkdf.derive(hex.parseHex("0b".repeat(22)), hex.parseHex("000102030405060708090a0b0c"),
        hex.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
    assertThat(hex.formatHex(okm)).isEqualTo(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void differentLabelsGiveDifferentKeys() {
    assertThat(Hkdf.deriveKey("a-long-enough-secret", "one")).hasSize(32)
        .isNotEqualTo(Hkdf.deriveKey("a-long-enough-secret", "two"));
  }
}
