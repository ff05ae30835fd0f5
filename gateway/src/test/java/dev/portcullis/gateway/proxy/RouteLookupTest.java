package dev.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.format.AnthropicErrorFormat;
import dev.portcullis.common.error.format.OpenAiErrorFormat;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.gateway.routes.ProviderRoutes;
import org.junit.jupiter.api.Test;

/** Which route a path is, or the 404 / 405 it gets, from method and path alone. */
class RouteLookupTest {

  private final RouteLookup lookup = new RouteLookup(ProviderRoutes.standard());

  @Test
  void aProviderRouteMatchesWithItsProxyIdAndUpstreamPath() {
    RouteLookup.Result result = lookup.lookup("POST",
        "/v1/openai/5f0c4b0e-9c3a-4c8e-8f4e-2b1a3c4d5e6f/chat/completions");

    assertThat(result).isInstanceOf(RouteLookup.Matched.class);
    var found = ((RouteLookup.Matched) result).found();
    assertThat(found.route().provider()).isEqualTo("openai");
    assertThat(found.route().operation()).isEqualTo(Operation.CHAT_COMPLETIONS);
    assertThat(found.proxyId()).isEqualTo("5f0c4b0e-9c3a-4c8e-8f4e-2b1a3c4d5e6f");
    assertThat(found.upstreamPath()).isEqualTo("/chat/completions");
  }

  @Test
  void aPathOutsideTheProviderRoutesIs404UnderNoProvider() {
    for (String path : new String[] {"/v1/", "/v2/openai/chat/completions"}) {
      RouteLookup.Refused refused = (RouteLookup.Refused) lookup.lookup("POST", path);
      assertThat(refused.provider()).isEqualTo(RouteLookup.UNKNOWN_PROVIDER);
      assertThat(refused.format()).isSameAs(OpenAiErrorFormat.INSTANCE);
      assertThat(refused.error().kind()).isEqualTo(ErrorKind.NOT_FOUND);
      assertThat(refused.error().message()).isEqualTo("Unknown path " + path
          + ". Provider routes look like /v1/<provider>[/<llm-proxy-id>]/...");
    }
  }

  @Test
  void anUnknownProviderIs404InOpenAisFormat() {
    RouteLookup.Refused refused = (RouteLookup.Refused) lookup.lookup("POST", "/v1/acme/chat/completions");

    assertThat(refused.provider()).isEqualTo(RouteLookup.UNKNOWN_PROVIDER);
    assertThat(refused.error().message()).isEqualTo("Unknown provider in path /v1/acme/chat/completions. "
        + "Routes look like /v1/<provider>[/<llm-proxy-id>]/...");
    assertThat(refused.allowed()).isEmpty();
  }

  @Test
  void anUnknownPathOfAKnownProviderIs404InItsFormat() {
    RouteLookup.Refused refused = (RouteLookup.Refused) lookup.lookup("POST", "/v1/anthropic/v1/nothing");

    assertThat(refused.provider()).isEqualTo("anthropic");
    assertThat(refused.format()).isSameAs(AnthropicErrorFormat.INSTANCE);
    assertThat(refused.error().message()).isEqualTo("Unknown path /v1/anthropic/v1/nothing for provider anthropic.");
  }

  @Test
  void theWrongMethodIs405NamingTheAllowedOnes() {
    RouteLookup.Refused refused = (RouteLookup.Refused) lookup.lookup("GET", "/v1/openai/chat/completions");

    assertThat(refused.error().kind()).isEqualTo(ErrorKind.METHOD_NOT_ALLOWED);
    assertThat(refused.allowed()).containsExactly("POST");
    assertThat(refused.error().message())
        .isEqualTo("Method GET is not allowed on /v1/openai/chat/completions. Allowed: POST.");
  }
}
