package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.stream.sse.SseEvent;
import dev.portcullis.common.stream.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Runs a stream through a gate in given pieces and reads what the client got. */
final class GateRun {

  private GateRun() {}

  /** Feeds each piece, then ends the stream; returns everything given to the client. */
  static String run(StreamGate gate, List<String> pieces) {
    Buffer out = Buffer.buffer();
    for (String piece : pieces) {
      gate.accept(Buffer.buffer(piece), out::appendBuffer);
    }
    gate.end(out::appendBuffer);
    return out.toString(StandardCharsets.UTF_8);
  }

  static String whole(StreamGate gate, String stream) {
    return run(gate, List.of(stream));
  }

  /**
   * Checks that cutting the stream at every byte (in two pieces), and feeding it a byte at a
   * time, gives the client the same bytes as feeding it whole; returns those bytes.
   */
  static String sameAtEverySplit(Supplier<StreamGate> gates, String stream) {
    String expected = whole(gates.get(), stream);
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i <= bytes.length; i++) {
      Buffer out = Buffer.buffer();
      StreamGate gate = gates.get();
      gate.accept(Buffer.buffer().appendBytes(bytes, 0, i), out::appendBuffer);
      gate.accept(Buffer.buffer().appendBytes(bytes, i, bytes.length - i), out::appendBuffer);
      gate.end(out::appendBuffer);
      assertThat(out.toString(StandardCharsets.UTF_8)).as("split at byte %d", i).isEqualTo(expected);
    }
    Buffer out = Buffer.buffer();
    StreamGate gate = gates.get();
    for (byte b : bytes) {
      gate.accept(Buffer.buffer(new byte[] {b}), out::appendBuffer);
    }
    gate.end(out::appendBuffer);
    assertThat(out.toString(StandardCharsets.UTF_8)).as("byte by byte").isEqualTo(expected);
    return expected;
  }

  /** The events of an SSE body, read with the project's own SSE parser. */
  static List<SseEvent> events(String body) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(Buffer.buffer(body));
    parser.finish();
    return events;
  }

  /** An SSE body of {@code data:} events. */
  static String dataEvents(List<String> payloads) {
    StringBuilder body = new StringBuilder();
    payloads.forEach(p -> body.append("data: ").append(p).append("\n\n"));
    return body.toString();
  }

  /** An SSE body of named events: pairs of (event name, data). */
  static String namedEvents(List<String[]> events) {
    StringBuilder body = new StringBuilder();
    events.forEach(e -> body.append("event: ").append(e[0]).append("\n").append("data: ").append(e[1]).append("\n\n"));
    return body.toString();
  }
}
