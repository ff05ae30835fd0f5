package dev.portcullis.common.provider;

/** How the model router reaches a provider ({@code <provider>:<native id>} model ids). */
public enum RouterRole {
  /** Speaks OpenAI's chat API: the router forwards the body with only its {@code model} rewritten. */
  OPENAI_COMPATIBLE,
  /** Has its own API: the router translates requests and answers (its translator names the class). */
  TRANSLATED
}
