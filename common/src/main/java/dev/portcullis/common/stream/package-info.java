/**
 * Streamed answers, from the upstream's wire to the client. A provider verticle reads the
 * upstream's bytes and relays them over the event bus with the credit-based protocol of
 * {@code bus} (producer {@code StreamSender}, requester
 * {@code StreamReceiver}), never parsing them on the proxied path. Where a stream's events must be
 * read (usage, the model router's translation), the provider's {@code StreamFraming} picks the
 * parser: {@code sse} for server-sent events,
 * {@code eventstream} for the AWS event stream of Bedrock, and
 * {@code jsonarray} for Gemini's streamed JSON array (a stream asked for
 * without {@code alt=sse}).
 */
package dev.portcullis.common.stream;
