package dev.portcullis.common.provider;

/**
 * Every operation Portcullis serves, with the name it carries on the bus
 * ({@code ProxyRequest.operation()}), in metrics and in logs. A provider's routes name the
 * operation each one is; a provider verticle switches on it instead of on paths.
 */
public enum Operation {
  // OpenAI's API, and every API that copies it.
  CHAT_COMPLETIONS("chat.completions"),
  RESPONSES("responses"),
  EMBEDDINGS("embeddings"),
  MODELS("models"),
  // Anthropic Messages.
  MESSAGES("messages"),
  MESSAGES_COUNT_TOKENS("messages.count_tokens"),
  // Cohere v2 chat.
  CHAT("chat"),
  // Gemini.
  GENERATE_CONTENT("generateContent"),
  STREAM_GENERATE_CONTENT("streamGenerateContent"),
  COUNT_TOKENS("countTokens"),
  // Bedrock runtime.
  CONVERSE("converse"),
  CONVERSE_STREAM("converse-stream"),
  INVOKE("invoke"),
  INVOKE_WITH_RESPONSE_STREAM("invoke-with-response-stream"),
  // The model router's own API (the gateway sends these to portcullis.router.model).
  ROUTER_CHAT_COMPLETIONS("router.chat.completions"),
  ROUTER_RESPONSES("router.responses"),
  ROUTER_MODELS("router.models");

  private final String wireName;

  Operation(String wireName) {
    this.wireName = wireName;
  }

  /** The name on the bus, in metrics and in logs. */
  public String wireName() {
    return wireName;
  }

  /** The operation with this wire name, or {@code null}. */
  public static Operation named(String wireName) {
    for (Operation operation : values()) {
      if (operation.wireName.equals(wireName)) {
        return operation;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
