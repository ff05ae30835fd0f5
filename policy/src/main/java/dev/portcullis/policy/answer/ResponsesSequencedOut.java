package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Sends the events of a Responses stream with strictly increasing {@code sequence_number}s although
 * a gate adds or rewrites events of its own (a message in place of a blocked call, a delta
 * carrying held text): an upstream event keeps its bytes while its number is above the last one
 * sent, and otherwise only its digits change. One per stream; the tool-call gate and the
 * redaction gate each keep their own.
 */
public final class ResponsesSequencedOut {

  private long lastSequence = -1;

  /** An upstream event, as it came or with its number moved up. */
  public void pass(CohereResponsesSseSplitter.Event event, Consumer<Buffer> out) {
    ResponsesSequenceNumbers.Found found = event.data() == null ? null : ResponsesSequenceNumbers.find(event.data());
    if (found == null || found.value() > lastSequence) {
      if (found != null) {
        lastSequence = found.value();
      }
      out.accept(event.raw());
      return;
    }
    long number = ++lastSequence;
    String raw = event.raw().toString(StandardCharsets.UTF_8);
    int dataAt = raw.indexOf(event.data());
    if (dataAt >= 0 && event.data().indexOf('\n') < 0) {
      out.accept(Buffer.buffer(raw.substring(0, dataAt + found.start()) + number + raw.substring(dataAt + found.end())));
    } else {
      // Data on several lines: written again on one (JSON keeps its meaning without the breaks).
      out.accept(CohereResponsesSseSplitter.write(event.name(),
          ResponsesSequenceNumbers.replace(event.data(), found, number).replace('\n', ' ')));
    }
  }

  /** An event the gate wrote or rewrote: its own number when above the last one sent, else the next. */
  public void emit(String name, ObjectNode json, Consumer<Buffer> out) {
    JsonNode own = json.get("sequence_number");
    if (own != null && own.isIntegralNumber() && own.longValue() > lastSequence) {
      lastSequence = own.longValue();
    } else {
      json.put("sequence_number", ++lastSequence);
    }
    out.accept(CohereResponsesSseSplitter.write(name, AnswerJson.encode(json)));
  }
}
