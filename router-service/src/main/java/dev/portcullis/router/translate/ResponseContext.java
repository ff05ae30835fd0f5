package dev.portcullis.router.translate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the caller knows about a call that the native answer may not carry.
 *
 * @param model the model name to report when the provider does not name one (the client's model)
 * @param fallbackId the completion id to use when the provider gives none (for Bedrock: the
 *     {@code x-amzn-requestid} header; otherwise a minted {@code chatcmpl-…})
 * @param created the {@code created} timestamp, in Unix seconds, of every object produced
 * @param includeUsage whether the client asked for {@code stream_options.include_usage}
 */
public record ResponseContext(String model, String fallbackId, long created, boolean includeUsage) {

  /** The context of a client's chat request: its model and its {@code include_usage} choice. */
  public static ResponseContext of(JsonNode chatRequest, String fallbackId, long created) {
    return new ResponseContext(
        chatRequest.path("model").asText(null),
        fallbackId,
        created,
        chatRequest.path("stream_options").path("include_usage").asBoolean(false));
  }
}
