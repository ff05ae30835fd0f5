package dev.portcullis.router.call;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Translated calls reach each native provider verticle on the route its own clients use. */
class NativeEndpointTest {

  @Test
  void chatEndpointsPerProvider() {
    assertThat(NativeEndpoint.chat("anthropic", "claude-sonnet-4-5", true))
        .isEqualTo(new NativeEndpoint("messages", "/v1/messages", null));
    assertThat(NativeEndpoint.chat("cohere", "command-r", false)).isEqualTo(new NativeEndpoint("chat", "/v2/chat", null));
    assertThat(NativeEndpoint.chat("gemini", "models/gemini-2.5-flash", false))
        .isEqualTo(new NativeEndpoint("generateContent", "/v1beta/models/gemini-2.5-flash:generateContent", null));
    assertThat(NativeEndpoint.chat("gemini", "gemini-2.5-flash", true)).isEqualTo(new NativeEndpoint(
        "streamGenerateContent", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "alt=sse"));
  }

  @Test
  void bedrockModelIdsAreOnePathSegment() {
    assertThat(NativeEndpoint.chat("bedrock", "amazon.nova-pro-v1:0", false).path())
        .isEqualTo("/model/amazon.nova-pro-v1%3A0/converse");
    assertThat(NativeEndpoint.chat("bedrock", "arn:aws:bedrock:us-east-1:1:inference-profile/us.x", true).path())
        .isEqualTo("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x/converse-stream");
  }

  @Test
  void modelListsAskForTheLargestPage() {
    assertThat(NativeEndpoint.models("anthropic").query()).isEqualTo("limit=1000");
    assertThat(NativeEndpoint.models("gemini").path()).isEqualTo("/v1beta/models");
    assertThat(NativeEndpoint.models("groq")).isEqualTo(new NativeEndpoint("models", "/models", null));
  }
}
