package dev.portcullis.gateway.routes;

import dev.portcullis.gateway.errors.GeminiErrorFormat;

/**
 * Gemini's routes: {@code /v1/gemini[/{id}]/v1beta/...}, as the google-genai SDKs call them, and
 * the same under {@code /v1/}, the GA version that newer SDKs (google-genai for Java 2.x) call by
 * default. The model is the path segment before the method; {@code :streamGenerateContent} always
 * streams, in SSE with {@code alt=sse} and as a JSON array without.
 */
final class GeminiRoutes {

  private GeminiRoutes() {}

  static void addTo(ProviderRoutes routes) {
    for (String version : new String[] {"/v1beta", "/v1"}) {
      routes.add(modelPost(version, ":generateContent", "generateContent", StreamMode.NEVER))
          .add(modelPost(version, ":streamGenerateContent", "streamGenerateContent", StreamMode.ALWAYS))
          .add(modelPost(version, ":countTokens", "countTokens", StreamMode.NEVER))
          .add(ProviderRoute.get("gemini", version + "/models", "models", GeminiErrorFormat.INSTANCE));
    }
  }

  private static ProviderRoute modelPost(String version, String method, String operation, StreamMode streamMode) {
    return new ProviderRoute("gemini", "POST", version + "/models/{model}" + method, operation, true, streamMode,
        null, "model", GeminiErrorFormat.INSTANCE);
  }
}
