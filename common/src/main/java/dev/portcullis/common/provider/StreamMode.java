package dev.portcullis.common.provider;

/** How a route tells whether the client wants a streamed answer. */
public enum StreamMode {
  /** {@code "stream": true} in the JSON body (OpenAI, Anthropic, Cohere). */
  BODY_FLAG,
  /** The route itself streams (Gemini {@code :streamGenerateContent}, Bedrock {@code /converse-stream}). */
  ALWAYS,
  /** Never streamed. */
  NEVER
}
