package dev.portcullis.policy.answer;

/**
 * A non-streamed answer after its blocked tool calls were taken out.
 *
 * @param body the answer to give the client: the very instance that was passed in, untouched, when
 *     nothing was blocked
 * @param blockedCalls how many tool calls were blocked
 */
public record Rewritten(io.vertx.core.buffer.Buffer body, int blockedCalls) {}
