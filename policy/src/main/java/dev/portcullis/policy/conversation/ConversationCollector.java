package dev.portcullis.policy.conversation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers what a family reader finds, in body order, and resolves the tool name of a result
 * from the calls seen before it (most APIs key a result by call id only).
 */
final class ConversationCollector {

  private final List<String> toolsOffered = new ArrayList<>();
  private final List<ToolCall> toolCalls = new ArrayList<>();
  private final List<ToolResult> toolResults = new ArrayList<>();
  private final List<TextPart> texts = new ArrayList<>();
  private final List<String> remoteToolServers = new ArrayList<>();
  private final Map<String, String> toolNamesByCallId = new HashMap<>();

  /** A tool the request offers; ignored without a name. */
  void toolOffered(String name) {
    if (name != null) {
      toolsOffered.add(name);
    }
  }

  /** A remote MCP server whose tools the provider calls itself; one without a label is still one. */
  void remoteToolServer(String label) {
    remoteToolServers.add(label == null ? "" : label);
  }

  /** A tool call; ignored without a name, which no client could run and no rule could judge. */
  void toolCall(String id, String name, String argumentsJson) {
    if (name == null) {
      return;
    }
    toolCalls.add(new ToolCall(id, name, argumentsJson));
    if (id != null) {
      toolNamesByCallId.put(id, name);
    }
  }

  /**
   * A tool result.
   *
   * @param name the tool's name when the result itself names it, else null to look it up by
   *     {@code callId} among the calls collected so far
   */
  void toolResult(String callId, String name, String content) {
    String toolName = name != null || callId == null ? name : toolNamesByCallId.get(callId);
    toolResults.add(new ToolResult(callId, toolName, content == null ? "" : content));
  }

  /** A text; empty and absent texts hold nothing to look at and are left out. */
  void text(String role, String text) {
    if (text != null && !text.isEmpty()) {
      texts.add(new TextPart(role, text));
    }
  }

  Conversation build() {
    return new Conversation(toolsOffered, toolCalls, toolResults, texts, remoteToolServers);
  }
}
