package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Builds the turns of a native conversation from OpenAI messages for APIs that reject two
 * consecutive turns of the same role: a turn of the same role as the previous one is merged into
 * it. Within a merged turn the blocks {@code isToolResult} accepts go before every other block,
 * after any tool results already there. OpenAI {@code tool} messages become blocks of a user turn.
 */
public final class TurnMerger {

  private final ArrayNode turns;
  private final String contentField;
  private final String assistantRole;
  private final Predicate<JsonNode> isToolResult;

  /**
   * @param turns the native turns array, appended to in place
   * @param contentField the field of a turn that holds its blocks ({@code content}, {@code parts})
   * @param assistantRole the native name of the assistant role ({@code assistant}, {@code model})
   * @param isToolResult which blocks go first in a merged turn; {@code b -> false} keeps the order
   */
  public TurnMerger(
      ArrayNode turns, String contentField, String assistantRole, Predicate<JsonNode> isToolResult) {
    this.turns = Objects.requireNonNull(turns, "turns");
    this.contentField = Objects.requireNonNull(contentField, "contentField");
    this.assistantRole = Objects.requireNonNull(assistantRole, "assistantRole");
    this.isToolResult = Objects.requireNonNull(isToolResult, "isToolResult");
  }

  public void user(ArrayNode blocks) {
    append("user", blocks);
  }

  /** An assistant message with no blocks (no text and no tool calls) adds no turn. */
  public void assistant(ArrayNode blocks) {
    if (!blocks.isEmpty()) {
      append(assistantRole, blocks);
    }
  }

  public void toolResult(ArrayNode blocks) {
    append("user", blocks);
  }

  private void append(String role, ArrayNode blocks) {
    ObjectNode last = turns.isEmpty() ? null : (ObjectNode) turns.get(turns.size() - 1);
    if (last == null || !role.equals(last.get("role").asText())) {
      ObjectNode turn = turns.addObject();
      turn.put("role", role);
      turn.set(contentField, blocks);
      return;
    }
    ArrayNode content = (ArrayNode) last.get(contentField);
    for (JsonNode block : blocks) {
      if (isToolResult.test(block)) {
        int position = 0;
        while (position < content.size() && isToolResult.test(content.get(position))) {
          position++;
        }
        content.insert(position, block);
      } else {
        content.add(block);
      }
    }
  }
}
