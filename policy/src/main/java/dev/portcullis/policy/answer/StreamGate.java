package dev.portcullis.policy.answer;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Sits in one streamed answer between the upstream and the client and keeps blocked tool calls
 * from reaching the client: text and every other event go on as soon as they are whole, in the
 * bytes the upstream sent; a tool call's events are held until the call is complete and judged,
 * then released as they came or replaced by a text saying it was blocked (and the finish reason
 * changed to a text answer's when no call is left). One per stream, used on one event loop.
 */
public interface StreamGate {

  /**
   * Takes the next bytes of the answer as they came off the wire (any split: an event may be cut
   * anywhere) and gives {@code out} what may go to the client now, in order.
   */
  void accept(Buffer chunk, Consumer<Buffer> out);

  /**
   * The upstream's stream ended: gives {@code out} whatever is still held and may go (a call that
   * never completed is judged on what arrived, so a blocked tool's name never leaks).
   */
  void end(Consumer<Buffer> out);

  /** How many tool calls this gate has blocked so far. */
  int blockedCalls();
}
