package dev.portcullis.gateway.routes;

import dev.portcullis.gateway.errors.OpenAiErrorFormat;

/** OpenAI's routes: {@code /v1/openai[/{id}]/...}. */
final class OpenAiRoutes {

  private OpenAiRoutes() {}

  static void addTo(ProviderRoutes routes) {
    OpenAiErrorFormat format = OpenAiErrorFormat.INSTANCE;
    routes.add(ProviderRoute.jsonPost("openai", "/chat/completions", "chat.completions", format))
        .add(ProviderRoute.jsonPost("openai", "/responses", "responses", format))
        .add(ProviderRoute.jsonPost("openai", "/embeddings", "embeddings", format))
        .add(ProviderRoute.get("openai", "/models", "models", format));
  }
}
