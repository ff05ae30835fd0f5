package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.stream.eventstream.EventStreamDecoder;
import dev.portcullis.common.stream.eventstream.EventStreamEncoder;
import dev.portcullis.common.stream.eventstream.EventStreamFormatException;
import dev.portcullis.common.stream.eventstream.EventStreamFrame;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@link StreamGate} of a Bedrock ConverseStream answer: an AWS event stream
 * ({@code application/vnd.amazon.eventstream}) of binary frames, each event named in its
 * {@code :event-type} header with a JSON payload.
 *
 * <p>A {@code contentBlockStart} whose {@code start} is a {@code toolUse}, the
 * {@code contentBlockDelta}s of that {@code contentBlockIndex} (input fragments) and its
 * {@code contentBlockStop} are held, and at {@code contentBlockStop} the call is judged. Allowed,
 * the held frames go on as they came. Blocked, they are dropped and a text block goes at the same
 * index: a {@code contentBlockDelta} with {@code {"delta":{"text":…},"contentBlockIndex":N}} and a
 * {@code contentBlockStop} (Bedrock starts text blocks with no {@code contentBlockStart}), in
 * frames of their own with the headers and CRCs the AWS SDKs check. At {@code messageStop}, when
 * calls were blocked and none was let through, {@code stopReason} {@code tool_use} becomes
 * {@code end_turn}. Every other frame goes on at once, in its own bytes. The replacement frames
 * carry no {@code p} padding field: Bedrock pads its payloads to hide the length of the model's
 * tokens, the SDKs ignore the field, and the fixed text of a blocked call has nothing to hide.
 *
 * <p>Bytes that are not an event stream from the start (an error body, junk) go on as they came.
 * A stream that turns corrupt after its first frame cannot be read on (frames are found only by
 * their lengths): calls still held are judged as cut and the rest is withheld, since the client's
 * SDK fails at the corruption anyway and a later frame could be a blocked call's. A payload that
 * cannot be read in a content-block or stop event is withheld likewise. With
 * {@link ToolCallJudge#ALLOW_ALL} the gate holds nothing and passes every chunk on at once. Not
 * thread-safe: one per stream.
 */
public final class BedrockConverseStreamGate implements StreamGate {

  /** A tool call being held: its frames so far and what they said. */
  private static final class HeldCall {
    final int index;
    final String name;
    final StringBuilder input = new StringBuilder();
    final List<Buffer> frames = new ArrayList<>();
    long bytes;

    HeldCall(int index, String name) {
      this.index = index;
      this.name = name;
    }
  }

  private final ToolCallJudge judge;
  private final boolean holdsNothing;
  private final EventStreamDecoder decoder = new EventStreamDecoder(this::onFrame);
  /** Every byte so far while no frame has been read: what goes on if the body is no event stream. */
  private Buffer beforeFirstFrame = Buffer.buffer();
  private boolean broken;
  private final Map<Integer, HeldCall> held = new LinkedHashMap<>();
  /** Calls judged before their stop (held past the limit): true when blocked, so the rest is dropped. */
  private final Map<Integer, Boolean> judgedEarly = new HashMap<>();
  private int blockedCalls;
  private int allowedCalls;
  private Buffer out;

  public BedrockConverseStreamGate(ToolCallJudge judge) {
    this.judge = judge;
    this.holdsNothing = judge == ToolCallJudge.ALLOW_ALL;
  }

  @Override
  public void accept(Buffer chunk, Consumer<Buffer> downstream) {
    if (holdsNothing) {
      downstream.accept(chunk);
      return;
    }
    out = Buffer.buffer();
    if (broken) {
      if (beforeFirstFrame != null) {
        out.appendBuffer(chunk);
      }
    } else {
      if (beforeFirstFrame != null) {
        beforeFirstFrame.appendBuffer(chunk);
      }
      try {
        decoder.feed(chunk);
      } catch (EventStreamFormatException e) {
        onBroken();
      }
    }
    flush(downstream);
  }

  @Override
  public void end(Consumer<Buffer> downstream) {
    if (holdsNothing) {
      return;
    }
    out = Buffer.buffer();
    if (!broken) {
      try {
        decoder.end();
      } catch (EventStreamFormatException e) {
        // Cut inside a frame: a part of a frame is nothing a client can read.
        onBroken();
      }
    }
    resolveCutCalls();
    flush(downstream);
  }

  @Override
  public int blockedCalls() {
    return blockedCalls;
  }

  private void flush(Consumer<Buffer> downstream) {
    Buffer ready = out;
    out = null;
    if (ready.length() > 0) {
      downstream.accept(ready);
    }
  }

  private void onBroken() {
    broken = true;
    resolveCutCalls();
    if (beforeFirstFrame != null) {
      out.appendBuffer(beforeFirstFrame);
    }
  }

  private void onFrame(EventStreamFrame frame) {
    beforeFirstFrame = null;
    EventStreamMessage message = frame.message();
    if (!"event".equals(message.messageType())) {
      // An exception or error ends the answer: what is held is judged as cut, then it goes on.
      resolveCutCalls();
      out.appendBuffer(frame.raw());
      return;
    }
    String type = message.eventType();
    switch (type == null ? "" : type) {
      case "contentBlockStart" -> onBlockStart(frame);
      case "contentBlockDelta" -> onBlockDelta(frame);
      case "contentBlockStop" -> onBlockStop(frame);
      case "messageStop" -> onMessageStop(frame);
      default -> out.appendBuffer(frame.raw());
    }
  }

  private void onBlockStart(EventStreamFrame frame) {
    ObjectNode payload = ResponsesCohereBedrockJson.object(frame.message().payload());
    if (payload == null) {
      return;
    }
    JsonNode toolUse = payload.path("start").get("toolUse");
    Integer index = ResponsesCohereBedrockJson.integer(payload, "contentBlockIndex");
    if (toolUse == null || index == null) {
      out.appendBuffer(frame.raw());
      return;
    }
    HeldCall call = new HeldCall(index, ResponsesCohereBedrockJson.text(toolUse, "name"));
    held.put(index, call);
    hold(call, frame.raw());
  }

  private void onBlockDelta(EventStreamFrame frame) {
    ObjectNode payload = ResponsesCohereBedrockJson.object(frame.message().payload());
    if (payload == null) {
      return;
    }
    Integer index = ResponsesCohereBedrockJson.integer(payload, "contentBlockIndex");
    JsonNode toolUse = payload.path("delta").get("toolUse");
    Boolean blockedEarly = index == null ? null : judgedEarly.get(index);
    if (blockedEarly != null) {
      if (!blockedEarly) {
        out.appendBuffer(frame.raw());
      }
      return;
    }
    HeldCall call = index == null ? null : held.get(index);
    if (call == null && toolUse == null) {
      out.appendBuffer(frame.raw());
      return;
    }
    if (call == null) {
      // Input of a call whose start was never seen: held as a call without a name.
      call = new HeldCall(index == null ? Integer.MIN_VALUE : index, null);
      held.put(call.index, call);
    }
    String fragment = ResponsesCohereBedrockJson.text(toolUse, "input");
    call.input.append(fragment == null ? "" : fragment);
    hold(call, frame.raw());
  }

  private void onBlockStop(EventStreamFrame frame) {
    ObjectNode payload = ResponsesCohereBedrockJson.object(frame.message().payload());
    if (payload == null) {
      return;
    }
    Integer index = ResponsesCohereBedrockJson.integer(payload, "contentBlockIndex");
    Boolean blockedEarly = index == null ? null : judgedEarly.remove(index);
    HeldCall call = index == null ? null : held.remove(index);
    if (call == null) {
      if (blockedEarly == null || !blockedEarly) {
        out.appendBuffer(frame.raw());
      }
      return;
    }
    call.frames.add(frame.raw());
    decide(call, call.input.toString());
  }

  private void onMessageStop(EventStreamFrame frame) {
    resolveCutCalls();
    ObjectNode payload = ResponsesCohereBedrockJson.object(frame.message().payload());
    if (payload != null && blockedCalls > 0 && allowedCalls == 0
        && "tool_use".equals(ResponsesCohereBedrockJson.text(payload, "stopReason"))) {
      payload.put("stopReason", "end_turn");
      out.appendBuffer(EventStreamEncoder.encode(new EventStreamMessage(frame.message().headers(),
          Buffer.buffer(ResponsesCohereBedrockJson.encode(payload)))));
    } else {
      out.appendBuffer(frame.raw());
    }
  }

  private void hold(HeldCall call, Buffer frame) {
    call.frames.add(frame);
    call.bytes += frame.length();
    if (call.bytes > ResponsesCohereBedrockCalls.HOLD_LIMIT) {
      held.remove(call.index);
      judgedEarly.put(call.index, decide(call, call.input.toString()));
    }
  }

  /** Judges every call still held as one the stream cut short: on its name alone. */
  private void resolveCutCalls() {
    List<HeldCall> open = new ArrayList<>(held.values());
    held.clear();
    for (HeldCall call : open) {
      decide(call, "{}");
    }
  }

  /** Judges a call and sends what the client gets of it; true when it was blocked. */
  private boolean decide(HeldCall call, String input) {
    Blocked verdict = ResponsesCohereBedrockCalls.judge(judge, call.name, input);
    if (verdict == null) {
      allowedCalls++;
      call.frames.forEach(out::appendBuffer);
      return false;
    }
    blockedCalls++;
    ObjectNode delta = ResponsesCohereBedrockJson.newObject();
    delta.putObject("delta").put("text", ResponsesCohereBedrockCalls.text(verdict));
    delta.put("contentBlockIndex", call.index);
    ObjectNode stop = ResponsesCohereBedrockJson.newObject();
    stop.put("contentBlockIndex", call.index);
    out.appendBuffer(frame("contentBlockDelta", delta));
    out.appendBuffer(frame("contentBlockStop", stop));
    return true;
  }

  private static Buffer frame(String eventType, ObjectNode payload) {
    return EventStreamEncoder.encode(EventStreamMessage.event(eventType,
        Buffer.buffer(ResponsesCohereBedrockJson.encode(payload))));
  }
}
