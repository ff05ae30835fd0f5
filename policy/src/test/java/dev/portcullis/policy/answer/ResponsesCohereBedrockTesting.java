package dev.portcullis.policy.answer;

import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** What the Responses, Cohere and Bedrock gate tests share: a recording judge and ways to feed a gate. */
final class ResponsesCohereBedrockTesting {

  static final String BLOCKED_TOOL = "delete_files";
  static final String RULE = "toolInvocation[0]";
  /** Names the rule but not the tool, so a test can check that nothing of the blocked call shows. */
  static final String MESSAGE = "Portcullis blocked this tool call: rule " + RULE + " forbids it.";

  private ResponsesCohereBedrockTesting() {}

  /** Blocks the tools it is given by name and remembers every (name, arguments) it was asked about. */
  static final class RecordingJudge implements ToolCallJudge {
    final List<List<String>> asked = new ArrayList<>();
    private final Set<String> blockedNames;

    RecordingJudge(String... blockedNames) {
      this.blockedNames = Set.of(blockedNames);
    }

    @Override
    public Blocked judge(String name, String argumentsJson) {
      asked.add(List.of(name, argumentsJson));
      return blockedNames.contains(name) ? new Blocked(RULE, MESSAGE) : null;
    }
  }

  static RecordingJudge blocking() {
    return new RecordingJudge(BLOCKED_TOOL);
  }

  /** What a gate gives for the chunks in order and then the end, all together. */
  static Buffer run(StreamGate gate, List<Buffer> chunks) {
    Buffer out = Buffer.buffer();
    chunks.forEach(chunk -> gate.accept(chunk, out::appendBuffer));
    gate.end(out::appendBuffer);
    return out;
  }

  /**
   * Checks that the body gives the same output (and count of blocked calls) whichever byte it is
   * split at, and fed one byte at a time, as in one piece; returns that output.
   */
  static Buffer sameAtEverySplit(Buffer body, Supplier<StreamGate> gates) {
    StreamGate whole = gates.get();
    Buffer expected = run(whole, List.of(body));
    for (int i = 0; i <= body.length(); i++) {
      StreamGate gate = gates.get();
      Buffer split = run(gate, List.of(body.getBuffer(0, i), body.getBuffer(i, body.length())));
      if (!split.equals(expected) || gate.blockedCalls() != whole.blockedCalls()) {
        throw new AssertionError("split at " + i + " gives\n" + text(split) + "\ninstead of\n" + text(expected));
      }
    }
    List<Buffer> bytes = new ArrayList<>();
    for (int i = 0; i < body.length(); i++) {
      bytes.add(body.getBuffer(i, i + 1));
    }
    StreamGate gate = gates.get();
    Buffer oneByOne = run(gate, bytes);
    if (!oneByOne.equals(expected) || gate.blockedCalls() != whole.blockedCalls()) {
      throw new AssertionError("byte by byte gives\n" + text(oneByOne) + "\ninstead of\n" + text(expected));
    }
    return expected;
  }

  static Buffer concat(List<Buffer> parts) {
    Buffer all = Buffer.buffer();
    parts.forEach(all::appendBuffer);
    return all;
  }

  static String text(Buffer buffer) {
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
