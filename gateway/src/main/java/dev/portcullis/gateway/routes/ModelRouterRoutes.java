package dev.portcullis.gateway.routes;

import dev.portcullis.common.provider.ProviderRoute;

import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.error.format.OpenAiErrorFormat;

/**
 * The model router's routes, {@code /v1/model-router/{id}/...}: one OpenAI-compatible API over
 * every provider. They sit in the provider route table so that matching, body limits, draining
 * and metrics work as for any provider; the proxy handler hands them to the model router.
 */
public final class ModelRouterRoutes {

  /** The route table's name for the model router (the first path segment after {@code /v1/}). */
  public static final String NAME = "model-router";

  private ModelRouterRoutes() {}

  public static boolean isModelRouter(ProviderRoute route) {
    return NAME.equals(route.provider());
  }

  static void addTo(ProviderRoutes routes) {
    OpenAiErrorFormat format = OpenAiErrorFormat.INSTANCE;
    routes.add(ProviderRoute.jsonPost(NAME, "/chat/completions", Operation.ROUTER_CHAT_COMPLETIONS, format))
        .add(ProviderRoute.jsonPost(NAME, "/responses", Operation.ROUTER_RESPONSES, format))
        .add(ProviderRoute.get(NAME, "/models", Operation.ROUTER_MODELS, format));
  }
}
