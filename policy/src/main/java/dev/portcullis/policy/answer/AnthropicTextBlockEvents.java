package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The data of the three events that stream a text block, as the Messages API writes them. */
final class AnthropicTextBlockEvents {

  private AnthropicTextBlockEvents() {}

  static ObjectNode start(int index) {
    ObjectNode event = AnswerJson.newObject();
    event.put("type", "content_block_start");
    event.put("index", index);
    event.putObject("content_block").put("type", "text").put("text", "");
    return event;
  }

  static ObjectNode delta(int index, String text) {
    ObjectNode event = AnswerJson.newObject();
    event.put("type", "content_block_delta");
    event.put("index", index);
    event.putObject("delta").put("type", "text_delta").put("text", text);
    return event;
  }

  static ObjectNode stop(int index) {
    ObjectNode event = AnswerJson.newObject();
    event.put("type", "content_block_stop");
    event.put("index", index);
    return event;
  }
}
