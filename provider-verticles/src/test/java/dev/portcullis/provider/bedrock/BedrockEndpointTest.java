package dev.portcullis.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.http.PathSegments;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class BedrockEndpointTest {

  private static BedrockEndpoint endpoint(JsonObject settings) {
    return BedrockEndpoint.from(new Settings(settings));
  }

  @Test
  void regionAndControlPlaneComeFromTheRuntimeHost() {
    BedrockEndpoint endpoint = endpoint(new JsonObject()
        .put(BedrockEndpoint.BASE_URL, "https://bedrock-runtime.eu-west-3.amazonaws.com/"));

    assertThat(endpoint.runtimeUrl()).isEqualTo("https://bedrock-runtime.eu-west-3.amazonaws.com");
    assertThat(endpoint.controlPlaneUrl()).isEqualTo("https://bedrock.eu-west-3.amazonaws.com");
    assertThat(endpoint.region()).isEqualTo("eu-west-3");
  }

  @Test
  void anExplicitRegionWinsAndOtherHostsServeBothPlanes() {
    BedrockEndpoint endpoint = endpoint(new JsonObject()
        .put(BedrockEndpoint.BASE_URL, "https://vpce-0123.bedrock-runtime.example.internal")
        .put(BedrockEndpoint.REGION, "us-west-2"));

    assertThat(endpoint.controlPlaneUrl()).isEqualTo(endpoint.runtimeUrl());
    assertThat(endpoint.requireRegion()).isEqualTo("us-west-2");
  }

  @Test
  void withoutABaseUrlBedrockIsOffAndIamWithoutARegionNamesTheSetting() {
    assertThat(endpoint(new JsonObject())).isNull();
    BedrockEndpoint custom = endpoint(new JsonObject().put(BedrockEndpoint.BASE_URL, "http://127.0.0.1:8080"));
    assertThatThrownBy(custom::requireRegion).isInstanceOfSatisfying(SettingsException.class,
        e -> assertThat(e.setting()).isEqualTo(BedrockEndpoint.REGION));
  }

  @Test
  void modelIdsAreOnePercentEncodedPathSegment() {
    assertThat(PathSegments.encode("arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-v1:0"))
        .isEqualTo("arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.anthropic.claude-v1%3A0");
    assertThat(PathSegments.encode("a b+c~d_e")).isEqualTo("a%20b%2Bc~d_e");
  }
}
