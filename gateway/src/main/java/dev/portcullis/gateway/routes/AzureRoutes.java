package dev.portcullis.gateway.routes;

import dev.portcullis.gateway.errors.OpenAiErrorFormat;

/** Azure AI Foundry's routes: {@code /v1/azure[/{id}]/...}; the body's {@code model} names the deployment. */
final class AzureRoutes {

  private AzureRoutes() {}

  static void addTo(ProviderRoutes routes) {
    OpenAiErrorFormat format = OpenAiErrorFormat.INSTANCE;
    routes.add(ProviderRoute.jsonPost("azure", "/chat/completions", "chat.completions", format))
        .add(ProviderRoute.jsonPost("azure", "/responses", "responses", format))
        .add(ProviderRoute.get("azure", "/models", "models", format));
  }
}
