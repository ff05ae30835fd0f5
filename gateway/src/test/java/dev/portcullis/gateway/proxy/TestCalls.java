package dev.portcullis.gateway.proxy;

import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.gateway.routes.ProviderRoutes;
import java.util.Map;

/** Calls for unit tests, on the real route table. */
final class TestCalls {

  private TestCalls() {}

  static ProviderRoute route(String provider, Operation operation) {
    return ProviderRoutes.standard().routesOf(provider).stream().filter(r -> r.operation() == operation)
        .findFirst().orElseThrow();
  }

  static Call call(String provider, Operation operation) {
    ProviderRoute route = route(provider, operation);
    return new Call("req_test", System.nanoTime(), route.method(), "/v1/" + provider + route.path(), route, null,
        route.path(), Map.of());
  }

  static Call openAiChat() {
    return call("openai", Operation.CHAT_COMPLETIONS);
  }

}
