package dev.portcullis.gateway.routes;

import dev.portcullis.gateway.errors.AnthropicErrorFormat;

/** Anthropic's routes: {@code /v1/anthropic[/{id}]/v1/...}, the paths the Anthropic SDKs call. */
final class AnthropicRoutes {

  private AnthropicRoutes() {}

  static void addTo(ProviderRoutes routes) {
    AnthropicErrorFormat format = AnthropicErrorFormat.INSTANCE;
    routes.add(ProviderRoute.jsonPost("anthropic", "/v1/messages", "messages", format))
        // Token counting never streams, whatever the body says.
        .add(new ProviderRoute("anthropic", "POST", "/v1/messages/count_tokens", "messages.count_tokens", true,
            StreamMode.NEVER, "model", null, format))
        .add(ProviderRoute.get("anthropic", "/v1/models", "models", format));
  }
}
