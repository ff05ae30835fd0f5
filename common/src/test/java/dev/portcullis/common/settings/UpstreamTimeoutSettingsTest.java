package dev.portcullis.common.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.UpstreamTimeouts.Stage;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class UpstreamTimeoutSettingsTest {

  private static UpstreamTimeoutSettings of(JsonObject values) {
    return UpstreamTimeoutSettings.from(new Settings(values));
  }

  @Test
  void bothSilencesDefaultToTheUpstreamTimeoutAndConnectingToTenSeconds() {
    UpstreamTimeoutSettings timeouts = of(new JsonObject().put("ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS", 90_000));
    assertThat(timeouts.of("openai")).isEqualTo(new UpstreamTimeouts(10_000, 90_000, 90_000));
    assertThat(timeouts.of("no-such-provider")).isEqualTo(timeouts.defaults());
    assertThat(of(new JsonObject()).defaults()).isEqualTo(new UpstreamTimeouts(10_000, 600_000, 600_000));
    assertThat(timeouts.describe("openai", Stage.FIRST_BYTE, 90_000))
        .isEqualTo("90000 ms (ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS)");
  }

  @Test
  void eachStageIsSetForAllProvidersAndOverriddenForOne() {
    UpstreamTimeoutSettings timeouts = of(new JsonObject()
        .put("PORTCULLIS_UPSTREAM_FIRST_BYTE_TIMEOUT_MS", 120_000)
        .put("PORTCULLIS_UPSTREAM_IDLE_TIMEOUT_MS", 30_000)
        .put("PORTCULLIS_OLLAMA_FIRST_BYTE_TIMEOUT_MS", 1_800_000)
        .put("PORTCULLIS_OLLAMA_CONNECT_TIMEOUT_MS", 2_000));
    assertThat(timeouts.of("openai")).isEqualTo(new UpstreamTimeouts(10_000, 120_000, 30_000));
    assertThat(timeouts.of("ollama")).isEqualTo(new UpstreamTimeouts(2_000, 1_800_000, 30_000));
    assertThat(timeouts.describe("ollama", Stage.FIRST_BYTE, 1_800_000))
        .isEqualTo("1800000 ms (PORTCULLIS_OLLAMA_FIRST_BYTE_TIMEOUT_MS)");
    assertThat(timeouts.describe("openai", Stage.IDLE, 30_000)).isEqualTo("30000 ms (PORTCULLIS_UPSTREAM_IDLE_TIMEOUT_MS)");
    // Idle client connections must outlast the slowest provider's longest silence.
    assertThat(timeouts.longestSilenceMs()).isEqualTo(1_800_000);
  }

  @Test
  void aBadValueStopsTheStartNamingTheSetting() {
    assertThatThrownBy(() -> of(new JsonObject().put("PORTCULLIS_GROQ_IDLE_TIMEOUT_MS", "soon")))
        .isInstanceOf(SettingsException.class).hasMessageStartingWith("PORTCULLIS_GROQ_IDLE_TIMEOUT_MS: ");
    assertThatThrownBy(() -> of(new JsonObject().put("PORTCULLIS_UPSTREAM_FIRST_BYTE_TIMEOUT_MS", 0)))
        .isInstanceOf(SettingsException.class);
  }

  @Test
  void aBusCallersOwnTimeoutCapsEveryStage() {
    UpstreamTimeouts timeouts = new UpstreamTimeouts(10_000, 600_000, 30_000);
    assertThat(timeouts.cappedAt(5_000)).isEqualTo(new UpstreamTimeouts(5_000, 5_000, 5_000));
    assertThat(timeouts.cappedAt(timeouts.silenceMs())).isSameAs(timeouts);
    assertThat(timeouts.silenceMs()).isEqualTo(600_000);
  }
}
