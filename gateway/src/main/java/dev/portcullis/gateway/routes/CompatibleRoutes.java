package dev.portcullis.gateway.routes;

import dev.portcullis.common.compat.CompatibleOperation;
import dev.portcullis.common.compat.OpenAiCompatibleRouteTable;
import dev.portcullis.gateway.errors.OpenAiErrorFormat;

/**
 * The routes of the OpenAI-compatible providers (groq, cerebras, mistral, ...), generated from the
 * route table they share with their provider verticles: {@code /v1/<provider>[/{id}]/chat/completions},
 * {@code /models}, and whatever else a provider offers.
 */
final class CompatibleRoutes {

  private CompatibleRoutes() {}

  static void addTo(ProviderRoutes routes) {
    OpenAiErrorFormat format = OpenAiErrorFormat.INSTANCE;
    OpenAiCompatibleRouteTable.all().forEach((provider, operations) -> {
      // OpenAI's own routes are declared in OpenAiRoutes.
      if (provider.equals("openai")) {
        return;
      }
      for (CompatibleOperation operation : operations) {
        routes.add(operation.method().equals("GET")
            ? ProviderRoute.get(provider, operation.path(), operation.operation(), format)
            : ProviderRoute.jsonPost(provider, operation.path(), operation.operation(), format));
      }
    });
  }
}
