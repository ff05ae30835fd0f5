package dev.portcullis.common.provider;

/**
 * How a provider frames a streamed answer on the wire, which decides how the model router cuts it
 * into events and how the provider verticle reads usage from it.
 */
public enum StreamFraming {
  /** Server-sent events ({@code dev.portcullis.common.stream.sse}): OpenAI and its kin, Anthropic, Cohere, Gemini with {@code alt=sse}. */
  SSE,
  /** The AWS event stream ({@code dev.portcullis.common.stream.eventstream}): Bedrock's streaming operations. */
  AWS_EVENT_STREAM
}
