package dev.portcullis.router.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.provider.NativeEndpoint;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.Providers;
import org.junit.jupiter.api.Test;

/**
 * Translated calls and model discovery reach each provider verticle on the route its own clients
 * use, as the provider's descriptor names it.
 */
class NativeEndpointTest {

  @Test
  void chatEndpointsPerProvider() {
    assertThat(chat("anthropic", "claude-sonnet-4-5", true))
        .isEqualTo(new NativeEndpoint(Operation.MESSAGES, "/v1/messages", null));
    assertThat(chat("cohere", "command-r", false)).isEqualTo(new NativeEndpoint(Operation.CHAT, "/v2/chat", null));
    assertThat(chat("gemini", "models/gemini-2.5-flash", false)).isEqualTo(
        new NativeEndpoint(Operation.GENERATE_CONTENT, "/v1beta/models/gemini-2.5-flash:generateContent", null));
    assertThat(chat("gemini", "gemini-2.5-flash", true)).isEqualTo(new NativeEndpoint(
        Operation.STREAM_GENERATE_CONTENT, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "alt=sse"));
  }

  @Test
  void bedrockModelIdsAreOnePathSegment() {
    assertThat(chat("bedrock", "amazon.nova-pro-v1:0", false).path())
        .isEqualTo("/model/amazon.nova-pro-v1%3A0/converse");
    assertThat(chat("bedrock", "arn:aws:bedrock:us-east-1:1:inference-profile/us.x", true).path())
        .isEqualTo("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x/converse-stream");
  }

  @Test
  void modelListsAskForTheLargestPage() {
    assertThat(models("anthropic").query()).isEqualTo("limit=1000");
    assertThat(models("gemini").path()).isEqualTo("/v1beta/models");
    assertThat(models("groq")).isEqualTo(new NativeEndpoint(Operation.MODELS, "/models", null));
  }

  private static NativeEndpoint chat(String provider, String nativeId, boolean stream) {
    return Providers.require(provider).chatEndpoint().of(nativeId, stream);
  }

  private static NativeEndpoint models(String provider) {
    return Providers.require(provider).modelList();
  }
}
