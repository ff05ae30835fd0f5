package dev.portcullis.gateway.routes;

import dev.portcullis.gateway.errors.GeminiErrorFormat;

/**
 * Gemini's routes: {@code /v1/gemini[/{id}]/v1beta/...}, as the google-genai SDKs call them. The
 * model is the path segment before the method; {@code :streamGenerateContent} always streams, in
 * SSE with {@code alt=sse} and as a JSON array without.
 */
final class GeminiRoutes {

  private GeminiRoutes() {}

  static void addTo(ProviderRoutes routes) {
    routes.add(modelPost(":generateContent", "generateContent", StreamMode.NEVER))
        .add(modelPost(":streamGenerateContent", "streamGenerateContent", StreamMode.ALWAYS))
        .add(modelPost(":countTokens", "countTokens", StreamMode.NEVER))
        .add(ProviderRoute.get("gemini", "/v1beta/models", "models", GeminiErrorFormat.INSTANCE));
  }

  private static ProviderRoute modelPost(String method, String operation, StreamMode streamMode) {
    return new ProviderRoute("gemini", "POST", "/v1beta/models/{model}" + method, operation, true, streamMode,
        null, "model", GeminiErrorFormat.INSTANCE);
  }
}
