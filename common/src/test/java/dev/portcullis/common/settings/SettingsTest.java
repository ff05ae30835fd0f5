package dev.portcullis.common.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void sizesTakeUnits() {
    Settings s = new Settings(new JsonObject().put("A", "50mb").put("B", "512KB").put("C", "1048576").put("D", "1g"));
    assertThat(s.bytes("A", 0)).isEqualTo(50L * 1024 * 1024);
    assertThat(s.bytes("B", 0)).isEqualTo(512L * 1024);
    assertThat(s.bytes("C", 0)).isEqualTo(1048576L);
    assertThat(s.bytes("D", 0)).isEqualTo(1024L * 1024 * 1024);
    assertThat(s.bytes("unset", 7)).isEqualTo(7);
    assertThatThrownBy(() -> new Settings(new JsonObject().put("X", "lots")).bytes("X", 1))
        .isInstanceOf(SettingsException.class).hasMessageStartingWith("X: ");
  }

  @Test
  void urlsKeepTheirPathPrefixAndLoseTrailingSlashes() {
    Settings s = new Settings(new JsonObject().put("U", "https://gw.example.com/openai/v1/"));
    assertThat(s.url("U", null)).isEqualTo("https://gw.example.com/openai/v1");
    assertThat(s.url("missing", "https://api.openai.com/v1")).isEqualTo("https://api.openai.com/v1");
    assertThatThrownBy(() -> new Settings(new JsonObject().put("U", "ftp://x")).url("U", null))
        .hasMessage("U: expected an http:// or https:// URL, got 'ftp://x'");
  }

  @Test
  void numbersAndBooleansAreChecked() {
    Settings s = new Settings(new JsonObject().put("P", "70000").put("B", "maybe").put("N", "12"));
    assertThatThrownBy(() -> s.port("P", 1)).hasMessage("P: must be between 0 and 65535, got 70000");
    assertThatThrownBy(() -> s.bool("B", false)).hasMessage("B: expected true or false, got 'maybe'");
    assertThat(s.longValue("N", 0, 1, 100)).isEqualTo(12);
  }
}
