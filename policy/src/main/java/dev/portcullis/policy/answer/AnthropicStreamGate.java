package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@link StreamGate} of an Anthropic Messages stream ({@code event:} + {@code data:} events).
 *
 * <p>The events of a {@code tool_use} content block, from its {@code content_block_start} through
 * its {@code input_json_delta}s, are held; every other event goes on at once, as it came
 * ({@code message_start}, text and thinking blocks, {@code ping}, server tools, errors, anything
 * unreadable). At the block's {@code content_block_stop} the call is judged: allowed, the held
 * events are released as they came; blocked, a text block at the same index takes its place (a
 * {@code content_block_start} of type {@code text}, one {@code text_delta} with the judge's message,
 * then the upstream's own {@code content_block_stop}). A {@code message_delta} whose
 * {@code stop_reason} is {@code tool_use} gets {@code end_turn} when no {@code tool_use} block is
 * left.
 *
 * <p>Bound: a block whose held events pass {@link #DEFAULT_MAX_HELD_BYTES} is judged on what has
 * arrived (its name, and its input only if it already forms a whole JSON object, else {@code {}}):
 * blocked, its text block is sent now and its later deltas are dropped; allowed, what is held is
 * released and its later deltas go on at once. A block still open when the message ends
 * ({@code message_delta}, {@code message_stop}, {@code error}, or the end of the body) is judged
 * the same way; a blocked one then also gets its {@code content_block_stop}.
 */
public final class AnthropicStreamGate implements StreamGate {

  /** What one tool_use block may hold before it is judged on what has arrived: 1 MiB. */
  public static final int DEFAULT_MAX_HELD_BYTES = 1 << 20;

  private final ToolCallJudge judge;
  private final long maxHeldBytes;
  private final SseEventSplitter splitter = new SseEventSplitter();
  /** tool_use blocks started and not yet stopped, by content-block index. */
  private final Map<Integer, AnthropicHeldBlock> open = new TreeMap<>();
  private int allowed;
  private int blocked;
  private String lineEnd = "\n";

  public AnthropicStreamGate(ToolCallJudge judge) {
    this(judge, DEFAULT_MAX_HELD_BYTES);
  }

  AnthropicStreamGate(ToolCallJudge judge, long maxHeldBytes) {
    this.judge = judge;
    this.maxHeldBytes = maxHeldBytes;
  }

  @Override
  public void accept(Buffer chunk, Consumer<Buffer> out) {
    splitter.feed(chunk, event -> onEvent(event, out));
  }

  @Override
  public void end(Consumer<Buffer> out) {
    splitter.finish(event -> onEvent(event, out));
    closeOpenBlocks(out);
  }

  @Override
  public int blockedCalls() {
    return blocked;
  }

  private void onEvent(SseEventSplitter.Event event, Consumer<Buffer> out) {
    ObjectNode data = event.data() == null ? null : AnswerJson.object(event.data());
    if (data == null) {
      out.accept(event.bytes());
      return;
    }
    lineEnd = event.lineEnd();
    String type = AnswerJson.text(data, "type");
    switch (type != null ? type : String.valueOf(event.name())) {
      case "content_block_start" -> onBlockStart(data, event.bytes(), out);
      case "content_block_delta" -> onBlockDelta(data, event.bytes(), out);
      case "content_block_stop" -> onBlockStop(data, event.bytes(), out);
      case "message_delta" -> {
        closeOpenBlocks(out);
        out.accept(endTurnIfNoCallLeft(data) ? SseEventWriter.event(event.name(), data, lineEnd) : event.bytes());
      }
      case "message_stop", "error" -> {
        closeOpenBlocks(out);
        out.accept(event.bytes());
      }
      default -> out.accept(event.bytes());
    }
  }

  private void onBlockStart(ObjectNode data, Buffer bytes, Consumer<Buffer> out) {
    JsonNode block = data.path("content_block");
    Integer index = indexOf(data);
    if (index == null || !AnthropicAnswerRewriter.TOOL_USE.equals(AnswerJson.text(block, "type"))) {
      out.accept(bytes);
      return;
    }
    AnthropicHeldBlock held = new AnthropicHeldBlock(index, block);
    open.put(index, held);
    holdOrJudge(held, bytes, out);
  }

  private void onBlockDelta(ObjectNode data, Buffer bytes, Consumer<Buffer> out) {
    Integer index = indexOf(data);
    AnthropicHeldBlock held = index == null ? null : open.get(index);
    if (held == null) {
      out.accept(bytes);
    } else if (!held.decided()) {
      held.absorb(data.path("delta"));
      holdOrJudge(held, bytes, out);
    } else if (!held.blocked()) {
      out.accept(bytes);
    }
    // A blocked block's later deltas are dropped: its text block has been sent.
  }

  private void onBlockStop(ObjectNode data, Buffer bytes, Consumer<Buffer> out) {
    Integer index = indexOf(data);
    AnthropicHeldBlock held = index == null ? null : open.remove(index);
    if (held != null && !held.decided()) {
      decide(held, true, out);
    }
    // An allowed block's stop closes it as the upstream sent it; a blocked one's closes the text block.
    out.accept(bytes);
  }

  private void holdOrJudge(AnthropicHeldBlock held, Buffer bytes, Consumer<Buffer> out) {
    if (held.hold(bytes) > maxHeldBytes) {
      decide(held, false, out);
    }
  }

  private void decide(AnthropicHeldBlock held, boolean whole, Consumer<Buffer> out) {
    Blocked verdict = judge.judge(held.name(), held.argumentsForJudge(whole));
    if (verdict == null) {
      allowed++;
      held.release().forEach(out);
      held.allow();
      return;
    }
    blocked++;
    held.decide(verdict);
    out.accept(SseEventWriter.event("content_block_start", AnthropicTextBlockEvents.start(held.index()), lineEnd));
    out.accept(SseEventWriter.event("content_block_delta",
        AnthropicTextBlockEvents.delta(held.index(), verdict.message()), lineEnd));
  }

  /** Blocks the message ended without stopping: judged on what arrived; a blocked one's text block is closed. */
  private void closeOpenBlocks(Consumer<Buffer> out) {
    for (AnthropicHeldBlock held : open.values()) {
      if (!held.decided()) {
        decide(held, false, out);
      }
      if (held.blocked()) {
        out.accept(SseEventWriter.event("content_block_stop", AnthropicTextBlockEvents.stop(held.index()), lineEnd));
      }
    }
    open.clear();
  }

  /** Turns {@code stop_reason: tool_use} into {@code end_turn} in place when every tool_use was blocked. */
  private boolean endTurnIfNoCallLeft(ObjectNode data) {
    if (blocked > 0 && allowed == 0 && data.get("delta") instanceof ObjectNode delta
        && AnthropicAnswerRewriter.TOOL_USE.equals(AnswerJson.text(delta, "stop_reason"))) {
      delta.put("stop_reason", "end_turn");
      return true;
    }
    return false;
  }

  private static Integer indexOf(JsonNode data) {
    JsonNode index = data.path("index");
    return index.isIntegralNumber() && index.canConvertToInt() ? index.intValue() : null;
  }
}
