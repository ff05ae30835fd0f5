package dev.portcullis.router.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What one native stream event turns into: OpenAI {@code chat.completion.chunk} objects to write
 * as {@code data:} events, and, when the upstream failed mid-stream, an OpenAI
 * {@code {"error":{...}}} object to write last, after which the caller ends the stream without
 * {@code [DONE]}.
 */
public record StreamStep(List<ObjectNode> chunks, ObjectNode error) {

  public StreamStep {
    chunks = List.copyOf(chunks);
  }

  public static StreamStep of(List<ObjectNode> chunks) {
    return new StreamStep(chunks, null);
  }

  public static StreamStep failed(List<ObjectNode> chunks, ObjectNode error) {
    return new StreamStep(chunks, error);
  }

  public boolean isFailure() {
    return error != null;
  }
}
