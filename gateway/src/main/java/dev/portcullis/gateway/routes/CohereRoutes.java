package dev.portcullis.gateway.routes;

import dev.portcullis.gateway.errors.CohereErrorFormat;

/**
 * Cohere's routes: {@code /v1/cohere[/{id}]/...}. {@code /v2/chat} is what the Cohere SDKs call;
 * {@code /chat} is the route Archestra documents; both are Cohere v2 chat.
 */
final class CohereRoutes {

  private CohereRoutes() {}

  static void addTo(ProviderRoutes routes) {
    CohereErrorFormat format = CohereErrorFormat.INSTANCE;
    routes.add(ProviderRoute.jsonPost("cohere", "/v2/chat", "chat", format))
        .add(ProviderRoute.jsonPost("cohere", "/chat", "chat", format))
        .add(ProviderRoute.get("cohere", "/v1/models", "models", format));
  }
}
