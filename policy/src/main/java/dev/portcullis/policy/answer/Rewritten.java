package dev.portcullis.policy.answer;

import io.vertx.core.buffer.Buffer;

/**
 * A whole (non-streamed) answer after its blocked tool calls were taken out.
 *
 * @param body the answer to send to the client: the very instance that was given, untouched, when
 *     nothing was blocked
 * @param blockedCalls how many tool calls were blocked (0 when {@code body} is the original)
 */
public record Rewritten(Buffer body, int blockedCalls) {}
