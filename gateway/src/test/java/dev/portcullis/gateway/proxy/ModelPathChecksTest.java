package dev.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.common.provider.Providers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Model ids are checked by where the provider places them, so none can move the upstream path. */
class ModelPathChecksTest {

  private static final String ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude";

  @Test
  void aModelSegmentMayNotMoveThePath() {
    ProviderRoute gemini = route("gemini", Operation.GENERATE_CONTENT);

    GatewayError dotDot = ModelPathChecks.pathParamProblem(gemini, Map.of("model", ".."));
    assertThat(dotDot.status()).isEqualTo(400);
    assertThat(dotDot.param()).isEqualTo("model");
    assertThat(dotDot.message()).isEqualTo("The model in the path has a '..' part, which would move the path.");
    assertThat(ModelPathChecks.pathParamProblem(gemini, Map.of("model", "gemini%2F..%2Fx")).message())
        .isEqualTo("The model in the path holds '/', which would add a path segment.");
    assertThat(ModelPathChecks.pathParamProblem(gemini, Map.of("model", "a%252Fb")).message())
        .isEqualTo("The model in the path is percent-encoded twice.");
    assertThat(ModelPathChecks.pathParamProblem(gemini, Map.of("model", "gemini-2.5-flash"))).isNull();
  }

  @Test
  void aBedrockArnMayCarryEncodedSlashesButNoDotParts() {
    ProviderRoute converse = route("bedrock", Operation.CONVERSE);
    ProviderRoute pathConverse = Providers.require("bedrock").routes().stream()
        .filter(r -> "modelId".equals(r.modelParam()) && r.operation() == Operation.CONVERSE).findFirst().orElseThrow();

    assertThat(ModelPathChecks.pathParamProblem(pathConverse, Map.of("modelId", ARN.replace("/", "%2F")))).isNull();
    assertThat(ModelPathChecks.pathParamProblem(pathConverse, Map.of("modelId", "a%2F..%2Fb")).message())
        .isEqualTo("The modelId in the path has a '..' part, which would move the path.");
    assertThat(ModelPathChecks.bodyModelProblem(converse, ARN)).isNull();
    assertThat(ModelPathChecks.bodyModelProblem(converse, "a/../b").message())
        .isEqualTo("'modelId' has a '..' part, which would move the path.");
  }

  @Test
  void anAzureDeploymentInTheBodyIsOneSegment() {
    ProviderRoute azure = route("azure", Operation.CHAT_COMPLETIONS);

    GatewayError slash = ModelPathChecks.bodyModelProblem(azure, "gpt-4o/../x");
    assertThat(slash.param()).isEqualTo("model");
    assertThat(slash.message())
        .isEqualTo("'gpt-4o/../x' is not an Azure deployment name: it holds '/', which would add a path segment.");
    assertThat(ModelPathChecks.bodyModelProblem(azure, "gpt-4o")).isNull();
  }

  @Test
  void aModelThatStaysInTheBodyIsNotChecked() {
    assertThat(ModelPathChecks.bodyModelProblem(route("openai", Operation.CHAT_COMPLETIONS), "../x?y")).isNull();
    assertThat(ModelPathChecks.bodyModelProblem(route("azure", Operation.CHAT_COMPLETIONS), null)).isNull();
  }

  @Test
  void routerNativeIdsAreCheckedWhereTheTranslatorPlacesThemInThePath() {
    assertThat(ModelPathChecks.nativeIdProblem(Providers.require("gemini"), "models/gemini-2.5-flash")).isNull();
    assertThat(ModelPathChecks.nativeIdProblem(Providers.require("gemini"), "models/.."))
        .isEqualTo("has a '..' part, which would move the path");
    assertThat(ModelPathChecks.nativeIdProblem(Providers.require("gemini"), "a/b"))
        .isEqualTo("holds '/', which would add a path segment");
    assertThat(ModelPathChecks.nativeIdProblem(Providers.require("bedrock"), ARN)).isNull();
    assertThat(ModelPathChecks.nativeIdProblem(Providers.require("bedrock"), "x%2Fy"))
        .isEqualTo("is percent-encoded twice");
    // The others keep the id in the body (Azure's deployment is checked by its verticle).
    assertThat(ModelPathChecks.nativeIdProblem(Providers.require("openai"), "../x")).isNull();
    assertThat(ModelPathChecks.nativeIdProblem(Providers.require("azure"), "../x")).isNull();
  }

  private static ProviderRoute route(String provider, Operation operation) {
    return Providers.require(provider).routes().stream().filter(r -> r.operation() == operation)
        .findFirst().orElseThrow();
  }
}
