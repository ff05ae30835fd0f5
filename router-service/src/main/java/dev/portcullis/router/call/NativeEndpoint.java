package dev.portcullis.router.call;

import java.nio.charset.StandardCharsets;

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
        String id = segment(nativeId.startsWith("models/") ? nativeId.substring("models/".length()) : nativeId);
        yield stream
            ? new NativeEndpoint("streamGenerateContent", "/v1beta/models/" + id + ":streamGenerateContent", "alt=sse")
            : new NativeEndpoint("generateContent", "/v1beta/models/" + id + ":generateContent", null);
      }
      case "bedrock" -> stream
          ? new NativeEndpoint("converse-stream", "/model/" + segment(nativeId) + "/converse-stream", null)
          : new NativeEndpoint("converse", "/model/" + segment(nativeId) + "/converse", null);
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

  /**
   * A model id as one path segment: Bedrock ids and ARNs hold {@code :} and {@code /}. Everything
   * but RFC 3986's unreserved characters is percent-encoded, as the AWS SDKs do.
   */
  static String segment(String id) {
    StringBuilder out = new StringBuilder();
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
