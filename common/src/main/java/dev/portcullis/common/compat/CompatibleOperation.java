package dev.portcullis.common.compat;

/**
 * An OpenAI API operation that an OpenAI-compatible provider may offer, with the method and path
 * the client calls below the provider's base URL. The gateway builds its routes from these and the
 * provider verticle refuses the ones its provider does not offer.
 */
public enum CompatibleOperation {
  CHAT_COMPLETIONS("POST", "/chat/completions", "chat.completions"),
  RESPONSES("POST", "/responses", "responses"),
  EMBEDDINGS("POST", "/embeddings", "embeddings"),
  MODELS("GET", "/models", "models");

  private final String method;
  private final String path;
  private final String operation;

  CompatibleOperation(String method, String path, String operation) {
    this.method = method;
    this.path = path;
    this.operation = operation;
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The operation name carried in {@code ProxyRequest.operation()} and in metrics. */
  public String operation() {
    return operation;
  }

  /** The operation with this name, or {@code null}. */
  public static CompatibleOperation named(String operation) {
    for (CompatibleOperation candidate : values()) {
      if (candidate.operation.equals(operation)) {
        return candidate;
      }
    }
    return null;
  }
}
