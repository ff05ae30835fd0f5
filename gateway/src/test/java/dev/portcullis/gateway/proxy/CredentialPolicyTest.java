package dev.portcullis.gateway.proxy;

import java.util.List;
import dev.portcullis.common.auth.Principal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.gateway.auth.KeylessAccess;
import dev.portcullis.gateway.auth.Resolution;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a resolved call may do upstream: its mapped key, a server identity under the keyless rule, or its own key. */
class CredentialPolicyTest {

  private static final String TRUSTED = "127.0.0.1";
  private static final String UNTRUSTED = "10.1.2.3";
  private static final String PROXY = "5f0c4b0e-9c3a-4c8e-8f4e-2b1a3c4d5e6f";

  private final CredentialPolicy policy = policy(new JsonObject());

  @Test
  void aPortcullisCredentialSendsItsMappedKeyAndNeverTravelsItself() {
    UpstreamCredential stored = new UpstreamCredential("sk-stored", null, Map.of());

    Admission admission = policy.decide("openai", Resolution.resolved(List.of(stored),
        new Principal("vk-1", Principal.Kind.VIRTUAL_KEY, "key", List.of(), Map.of(), 0), PROXY), UNTRUSTED);

    assertThat(admission.admitted()).isTrue();
    assertThat(admission.credential()).isSameAs(stored);
    assertThat(admission.removesClientCredential()).isTrue();
    assertThat(admission.proxyId()).isEqualTo(PROXY);
  }

  @Test
  void aPassthroughKeyOnKeylessOllamaIsRefusedFromAnUntrustedAddress() {
    Admission refused = policy.decide("ollama", Resolution.passthrough(PROXY), UNTRUSTED);

    assertThat(refused.admitted()).isFalse();
    assertThat(refused.proxyId()).isEqualTo(PROXY);
    assertThat(refused.refusal().kind()).isEqualTo(ErrorKind.AUTHENTICATION);
    assertThat(refused.refusal().message()).isEqualTo("The ollama server behind this gateway takes calls with "
        + "Portcullis' own identity, which only trusted networks (PORTCULLIS_TRUSTED_NETWORKS) may use with their "
        + "own key or none. Send a Portcullis virtual key (pc-vk-...) or an access token from /api/auth/oauth2/token.");
  }

  @Test
  void aPassthroughKeyOnKeylessOllamaIsAllowedFromATrustedAddress() {
    Admission admitted = policy.decide("ollama", Resolution.passthrough(null), TRUSTED);

    assertThat(admitted.admitted()).isTrue();
    assertThat(admitted.credential()).as("the caller's own key goes upstream").isNull();
    assertThat(admitted.removesClientCredential()).isFalse();
  }

  @Test
  void aPassthroughKeyOnAProviderWithoutServerIdentityGoesUpstream() {
    Admission admitted = policy.decide("openai", Resolution.passthrough(null), UNTRUSTED);

    assertThat(admitted.admitted()).isTrue();
    assertThat(admitted.credential()).isNull();
  }

  @Test
  void aCallWithoutKeyUsesTheServerIdentityOnlyFromATrustedAddress() {
    Admission trusted = policy.decide("vllm", Resolution.anonymous(null), TRUSTED);
    assertThat(trusted.credential()).isEqualTo(UpstreamCredential.SERVER_SIDE);
    assertThat(trusted.removesClientCredential()).isFalse();

    Admission untrusted = policy.decide("vllm", Resolution.anonymous(null), UNTRUSTED);
    assertThat(untrusted.refusal().message()).startsWith("No API key was sent. Calls without a key use Portcullis' "
        + "keyless vLLM server, which only trusted networks (PORTCULLIS_TRUSTED_NETWORKS) may do unless "
        + "PORTCULLIS_ALLOW_ANONYMOUS=true.");
  }

  @Test
  void aCallWithoutKeyOnAProviderWithoutServerIdentityIsToldWhatToSend() {
    Admission refused = policy.decide("openai", Resolution.anonymous(null), TRUSTED);

    assertThat(refused.refusal().status()).isEqualTo(401);
    assertThat(refused.refusal().message()).isEqualTo("No API key was sent. Pass your openai API key, a Portcullis "
        + "virtual key (pc-vk-...) or an access token from /api/auth/oauth2/token.");
  }

  @Test
  void anonymousUseOpensTheServerIdentityToAnyone() {
    CredentialPolicy open = policy(new JsonObject().put(KeylessAccess.ALLOW_ANONYMOUS, "true"));

    assertThat(open.decide("ollama", Resolution.anonymous(null), UNTRUSTED).admitted()).isTrue();
    assertThat(open.decide("ollama", Resolution.passthrough(null), UNTRUSTED).admitted()).isTrue();
  }

  @Test
  void inVertexAiModeAGeminiKeyIsRefusedEvenFromATrustedAddress() {
    CredentialPolicy vertex = policy(new JsonObject().put("ARCHESTRA_GEMINI_VERTEX_AI_ENABLED", "true"));

    Admission refused = vertex.decide("gemini", Resolution.passthrough(null), TRUSTED);
    assertThat(refused.refusal().message()).startsWith("Gemini runs on Vertex AI here with Portcullis' own Google "
        + "identity, so Gemini API keys are not used. Send a Portcullis virtual key");
    assertThat(vertex.decide("gemini", Resolution.anonymous(null), TRUSTED).credential())
        .isEqualTo(UpstreamCredential.SERVER_SIDE);
  }

  @Test
  void withBedrockIamTheCallersOwnKeyStillGoesUpstream() {
    CredentialPolicy iam = policy(new JsonObject().put("ARCHESTRA_BEDROCK_IAM_AUTH_ENABLED", "true"));

    assertThat(iam.decide("bedrock", Resolution.passthrough(null), UNTRUSTED).admitted()).isTrue();
    assertThat(iam.decide("bedrock", Resolution.anonymous(null), UNTRUSTED).refusal().message())
        .contains("Portcullis' AWS identity (Bedrock IAM)");
  }

  private static CredentialPolicy policy(JsonObject settings) {
    // decide() reads no credential: the resolver is only for admit().
    return new CredentialPolicy(null, new KeylessAccess(new Settings(settings)));
  }
}
