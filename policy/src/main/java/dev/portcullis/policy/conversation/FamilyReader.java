package dev.portcullis.policy.conversation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads one API family's bodies into a {@link ConversationCollector}. Implementations are
 * stateless and lenient: a field of the wrong type is absent, never an error.
 */
interface FamilyReader {

  /** Reads a request body (a JSON object) the client sent. */
  void readRequest(JsonNode body, ConversationCollector out);

  /** Reads a whole (not streamed) answer body (a JSON object) the upstream sent. */
  void readAnswer(JsonNode body, ConversationCollector out);
}
