package dev.portcullis.router.call;

import dev.portcullis.common.http.PathSegments;

/**
 * Where a translated call goes on a native provider verticle: the operation and the path (and
 * query) below the provider's base URL, exactly as a client of that provider's own route would
 * call it.
 */
public record NativeEndpoint(String operation, String path, String query) {

  /** The chat endpoint of {@code provider} for {@code nativeId}, streamed or not. */
  public static NativeEndpoint chat(String provider, String nativeId, boolean stream) {
    return switch (provider) {
      case "anthropic" -> new NativeEndpoint("messages", "/v1/messages", null);
      case "cohere" -> new NativeEndpoint("chat", "/v2/chat", null);
      case "gemini" -> {
        // Gemini's own list names models "models/<id>"; either spelling is accepted here.
        String id = PathSegments.encode(
            nativeId.startsWith("models/") ? nativeId.substring("models/".length()) : nativeId);
        yield stream
            ? new NativeEndpoint("streamGenerateContent", "/v1beta/models/" + id + ":streamGenerateContent", "alt=sse")
            : new NativeEndpoint("generateContent", "/v1beta/models/" + id + ":generateContent", null);
      }
      case "bedrock" -> stream
          ? new NativeEndpoint("converse-stream", "/model/" + PathSegments.encode(nativeId) + "/converse-stream", null)
          : new NativeEndpoint("converse", "/model/" + PathSegments.encode(nativeId) + "/converse", null);
      default -> throw new IllegalArgumentException("no native chat endpoint for " + provider);
    };
  }

  /** The model discovery route of a provider verticle, asking for the largest page each API allows. */
  public static NativeEndpoint models(String provider) {
    return switch (provider) {
      case "anthropic" -> new NativeEndpoint("models", "/v1/models", "limit=1000");
      case "gemini" -> new NativeEndpoint("models", "/v1beta/models", "pageSize=1000");
      case "cohere" -> new NativeEndpoint("models", "/v1/models", "page_size=1000&endpoint=chat");
      default -> new NativeEndpoint("models", "/models", null);
    };
  }
}
