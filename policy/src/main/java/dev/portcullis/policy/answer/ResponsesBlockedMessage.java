package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The assistant {@code message} output item that takes a blocked {@code function_call} item's
 * place in a Responses answer, and the streaming events that deliver it.
 *
 * <p>Its id is derived from the answer's id, the output index and the blocked item's id by a
 * one-way hash: the same answer gets the same id however it is streamed or split, the streamed
 * events and the final {@code response.output} agree, and nothing of the blocked call's id shows.
 *
 * @param id the message item's {@code msg_…} id
 * @param outputIndex where the item is in {@code output}
 * @param text what the client reads instead of the call
 */
record ResponsesBlockedMessage(String id, int outputIndex, String text) {

  static ResponsesBlockedMessage of(String responseId, int outputIndex, String blockedItemId, String text) {
    return new ResponsesBlockedMessage(messageId(responseId, outputIndex, blockedItemId), outputIndex, text);
  }

  private static String messageId(String responseId, int outputIndex, String blockedItemId) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String seed = "portcullis-blocked-call\n" + responseId + "\n" + outputIndex + "\n" + blockedItemId;
      byte[] digest = sha.digest(seed.getBytes(StandardCharsets.UTF_8));
      return "msg_" + HexFormat.of().formatHex(digest, 0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The completed item, as it stands in {@code response.output}. */
  ObjectNode completedItem() {
    ObjectNode item = ResponsesCohereBedrockJson.newObject();
    item.put("type", "message");
    item.put("id", id);
    item.put("status", "completed");
    item.put("role", "assistant");
    item.putArray("content").add(outputText(text));
    return item;
  }

  /**
   * The events of a text message streamed in one delta, in the order OpenAI sends them: output
   * item added, content part added, text delta, text done, content part done, output item done.
   * Each has {@code sequence_number} 0 in second place, for the gate to set.
   */
  List<ObjectNode> events() {
    ObjectNode openItem = ResponsesCohereBedrockJson.newObject();
    openItem.put("type", "message");
    openItem.put("id", id);
    openItem.put("status", "in_progress");
    openItem.put("role", "assistant");
    openItem.putArray("content");

    ObjectNode added = event("response.output_item.added");
    added.put("output_index", outputIndex);
    added.set("item", openItem);

    ObjectNode partAdded = partEvent("response.content_part.added");
    partAdded.set("part", outputText(""));

    ObjectNode delta = partEvent("response.output_text.delta");
    delta.put("delta", text);
    delta.putArray("logprobs");

    ObjectNode textDone = partEvent("response.output_text.done");
    textDone.put("text", text);
    textDone.putArray("logprobs");

    ObjectNode partDone = partEvent("response.content_part.done");
    partDone.set("part", outputText(text));

    ObjectNode itemDone = event("response.output_item.done");
    itemDone.put("output_index", outputIndex);
    itemDone.set("item", completedItem());
    return List.of(added, partAdded, delta, textDone, partDone, itemDone);
  }

  private static ObjectNode event(String type) {
    ObjectNode event = ResponsesCohereBedrockJson.newObject();
    event.put("type", type);
    event.put("sequence_number", 0);
    return event;
  }

  private ObjectNode partEvent(String type) {
    ObjectNode event = event(type);
    event.put("item_id", id);
    event.put("output_index", outputIndex);
    event.put("content_index", 0);
    return event;
  }

  private static ObjectNode outputText(String text) {
    ObjectNode part = ResponsesCohereBedrockJson.newObject();
    part.put("type", "output_text");
    part.put("text", text);
    part.putArray("annotations");
    return part;
  }
}
