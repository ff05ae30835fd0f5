package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;

/** Writes an event a gate makes in place of upstream ones, with the line ends the upstream used. */
public final class SseEventWriter {

  private SseEventWriter() {}

  /** One event: an {@code event:} line when {@code name} is not null, one {@code data:} line, a blank line. */
  public static Buffer event(String name, JsonNode data, String lineEnd) {
    StringBuilder text = new StringBuilder();
    if (name != null) {
      text.append("event: ").append(name).append(lineEnd);
    }
    text.append("data: ").append(AnswerJson.encode(data)).append(lineEnd).append(lineEnd);
    return Buffer.buffer(text.toString());
  }
}
