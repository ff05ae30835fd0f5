package dev.portcullis.policy.conversation;

/**
 * The wire formats whose conversations policies read: what a client sends and what it is
 * answered. A proxied call has its provider's format; a model-router call has the OpenAI one it
 * was made in (chat completions or Responses), whatever provider serves it.
 */
public enum ApiFamily {
  /** OpenAI {@code /v1/chat/completions}, and every OpenAI-compatible provider's. */
  OPENAI_CHAT,
  /** OpenAI {@code /v1/responses}. */
  OPENAI_RESPONSES,
  /** Anthropic {@code /v1/messages}. */
  ANTHROPIC_MESSAGES,
  /** Gemini {@code generateContent} and {@code streamGenerateContent} (SSE or a JSON array). */
  GEMINI,
  /** Cohere {@code /v2/chat}. */
  COHERE_CHAT,
  /** Bedrock {@code converse} and {@code converse-stream} (an AWS event stream). */
  BEDROCK_CONVERSE
}
