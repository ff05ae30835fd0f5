package dev.portcullis.common.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelIdTest {

  @ParameterizedTest
  @CsvSource({
      "bedrock:amazon.nova-pro-v1:0,bedrock,amazon.nova-pro-v1:0",
      "anthropic:claude-sonnet-4-5,anthropic,claude-sonnet-4-5",
      "gemini:gemini-2.5-flash,gemini,gemini-2.5-flash"})
  void splitsAtTheFirstColon(String model, String provider, String nativeId) {
    assertThat(ModelId.parse(model)).isEqualTo(new ModelId(provider, nativeId));
    assertThat(ModelId.parse(model).toString()).isEqualTo(model);
  }

  @ParameterizedTest
  @ValueSource(strings = {"claude-sonnet-4-5", ":claude", "anthropic:", " "})
  void withoutProviderAndModelExplainsTheFormat(String model) {
    assertThatThrownBy(() -> ModelId.parse(model))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().param()).isEqualTo("model");
          assertThat(e.error().status()).isEqualTo(400);
          assertThat(e.error().message()).contains("'<provider>:<model>'").contains("bedrock:amazon.nova-pro-v1:0");
        });
  }

  @Test
  void nullModelIsRejected() {
    assertThatThrownBy(() -> ModelId.parse(null)).isInstanceOf(GatewayException.class);
  }
}
