package dev.portcullis.policy.answer.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.answer.AnswerJson;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Redacts the text parts of Gemini's streamed chunks ({@code GenerateContentResponse}s), whatever
 * their framing. Each candidate has two texts, its answer and its thought summary
 * ({@code "thought": true} parts), each with its own {@link TextStream}: a secret split between a
 * thought and the answer is not one match to the client either.
 */
final class GeminiChunkRedaction {

  /** One text of the answer: a candidate's answer or its thoughts. */
  private record Key(int candidate, boolean thought) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byCandidate = Integer.compare(candidate, other.candidate);
      return byCandidate != 0 ? byCandidate : Boolean.compare(thought, other.thought);
    }
  }

  private final TextRedaction redaction;
  private final Map<Key, TextStream> streams = new TreeMap<>();

  GeminiChunkRedaction(TextRedaction redaction) {
    this.redaction = redaction;
  }

  /**
   * Puts in place of each text part what the redactor releases, and, for a candidate that
   * finishes in this chunk, what it still held. True when the chunk changed; the caller checks
   * {@link TextRedaction#blockedBy()} before sending it.
   */
  boolean redact(ObjectNode response) {
    if (!(response.get("candidates") instanceof ArrayNode candidates)) {
      return false;
    }
    boolean changed = false;
    for (int i = 0; i < candidates.size(); i++) {
      if (!(candidates.get(i) instanceof ObjectNode candidate)) {
        continue;
      }
      Integer index = AnswerJson.integer(candidate, "index");
      int key = index == null ? i : index;
      Map<Boolean, ObjectNode> lastTextPart = new HashMap<>();
      if (candidate.path("content").get("parts") instanceof ArrayNode parts) {
        for (JsonNode node : parts) {
          String text = AnswerJson.text(node, "text");
          if (!(node instanceof ObjectNode part) || text == null) {
            continue;
          }
          boolean thought = part.path("thought").asBoolean(false);
          String released = streams.computeIfAbsent(new Key(key, thought), k -> redaction.newStream()).accept(text);
          if (redaction.blockedBy() != null) {
            return false;
          }
          if (!released.equals(text)) {
            part.put("text", released);
            changed = true;
          }
          lastTextPart.put(thought, part);
        }
      }
      if (candidate.hasNonNull("finishReason")) {
        for (boolean thought : new boolean[] {true, false}) {
          String rest = finish(new Key(key, thought));
          if (redaction.blockedBy() != null) {
            return false;
          }
          if (!rest.isEmpty()) {
            appendText(candidate, lastTextPart.get(thought), thought, rest);
            changed = true;
          }
        }
      }
    }
    return changed;
  }

  boolean anyOpen() {
    return streams.values().stream().anyMatch(TextStream::open);
  }

  /**
   * What the texts never finished still hold, as one chunk of the gate's own; null when nothing
   * was held, or when it stopped the answer.
   */
  ObjectNode flushOpen() {
    Map<Integer, ObjectNode> byCandidate = new TreeMap<>();
    ObjectNode response = AnswerJson.newObject();
    for (Key key : streams.keySet()) {
      String rest = finish(key);
      if (redaction.blockedBy() != null) {
        return null;
      }
      if (!rest.isEmpty()) {
        ObjectNode candidate = byCandidate.computeIfAbsent(key.candidate(), c -> {
          ObjectNode made = AnswerJson.newObject();
          made.putObject("content").put("role", "model").putArray("parts");
          made.put("index", c);
          return made;
        });
        appendText(candidate, null, key.thought(), rest);
      }
    }
    if (byCandidate.isEmpty()) {
      return null;
    }
    byCandidate.values().forEach(response.putArray("candidates")::add);
    return response;
  }

  private String finish(Key key) {
    TextStream stream = streams.get(key);
    return stream == null ? "" : stream.finish();
  }

  /** Adds text to the candidate: at the end of a text part of this chunk when there is one, else as a new part. */
  private static void appendText(ObjectNode candidate, ObjectNode part, boolean thought, String text) {
    if (part != null) {
      part.put("text", part.path("text").asText() + text);
      return;
    }
    JsonNode content = candidate.get("content");
    ObjectNode contentObject = content instanceof ObjectNode object ? object : candidate.putObject("content");
    if (!contentObject.has("role")) {
      contentObject.put("role", "model");
    }
    ArrayNode parts = contentObject.get("parts") instanceof ArrayNode array ? array : contentObject.putArray("parts");
    ObjectNode added = parts.addObject().put("text", text);
    if (thought) {
      added.put("thought", true);
    }
  }
}
