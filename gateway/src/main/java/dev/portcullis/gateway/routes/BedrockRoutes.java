package dev.portcullis.gateway.routes;

import dev.portcullis.gateway.errors.BedrockErrorFormat;

/**
 * Bedrock's routes: {@code /v1/bedrock[/{id}]}. Converse with the model id in the body
 * ({@code /converse}) or in the path as the AWS SDKs call it ({@code /model/{modelId}/converse},
 * the id percent-encoded once), and InvokeModel passed through, whatever its body.
 */
final class BedrockRoutes {

  private BedrockRoutes() {}

  static void addTo(ProviderRoutes routes) {
    BedrockErrorFormat format = BedrockErrorFormat.INSTANCE;
    routes.add(new ProviderRoute("bedrock", "POST", "/converse", "converse", true, StreamMode.NEVER,
            "modelId", null, format))
        .add(new ProviderRoute("bedrock", "POST", "/converse-stream", "converse-stream", true, StreamMode.ALWAYS,
            "modelId", null, format))
        .add(new ProviderRoute("bedrock", "POST", "/model/{modelId}/converse", "converse", true,
            StreamMode.NEVER, null, "modelId", format))
        .add(new ProviderRoute("bedrock", "POST", "/model/{modelId}/converse-stream", "converse-stream", true,
            StreamMode.ALWAYS, null, "modelId", format))
        // InvokeModel bodies are the model's own format, not always JSON: relayed without a look.
        .add(new ProviderRoute("bedrock", "POST", "/model/{modelId}/invoke", "invoke", false, StreamMode.NEVER,
            null, "modelId", format))
        .add(new ProviderRoute("bedrock", "POST", "/model/{modelId}/invoke-with-response-stream",
            "invoke-with-response-stream", false, StreamMode.ALWAYS, null, "modelId", format))
        .add(ProviderRoute.get("bedrock", "/models", "models", format));
  }
}
