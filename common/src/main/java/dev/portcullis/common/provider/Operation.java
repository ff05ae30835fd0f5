package dev.portcullis.common.provider;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

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

  /** By wire name: looked up on every call, so no scan and no copy of {@code values()}. */
  private static final Map<String, Operation> BY_WIRE_NAME = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(Operation::wireName, Function.identity()));

  /** The operation with this wire name, or {@code null}. */
  public static Operation named(String wireName) {
    return wireName == null ? null : BY_WIRE_NAME.get(wireName);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
