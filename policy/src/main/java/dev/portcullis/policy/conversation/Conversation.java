package dev.portcullis.policy.conversation;

import java.util.List;
import java.util.Objects;

/**
 * The read-only, API-independent view of one request or one answer, in the order the body holds
 * them: what policies look at instead of each API's own shapes.
 *
 * @param toolsOffered the names of the tools a request offers the model (built-in tools without
 *     a name, such as Responses {@code web_search}, by their type); empty for an answer
 * @param toolCalls the tool calls: in a request those of earlier assistant turns, in an answer
 *     those the model asks for now
 * @param toolResults the tool results a request sends back; empty for an answer
 * @param texts the text of instructions and turns
 * @param remoteToolServers the remote MCP servers a request lets the provider call tools of
 *     itself (Responses' {@code mcp} tools by {@code server_label}, Anthropic's
 *     {@code mcp_servers} by {@code name}): those calls happen out of the gateway's sight
 */
public record Conversation(List<String> toolsOffered, List<ToolCall> toolCalls, List<ToolResult> toolResults,
    List<TextPart> texts, List<String> remoteToolServers) {

  public Conversation {
    remoteToolServers = List.copyOf(Objects.requireNonNull(remoteToolServers, "remoteToolServers"));
    toolsOffered = List.copyOf(Objects.requireNonNull(toolsOffered, "toolsOffered"));
    toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
    toolResults = List.copyOf(Objects.requireNonNull(toolResults, "toolResults"));
    texts = List.copyOf(Objects.requireNonNull(texts, "texts"));
  }

  /** A view without remote tool servers. */
  public Conversation(List<String> toolsOffered, List<ToolCall> toolCalls, List<ToolResult> toolResults,
      List<TextPart> texts) {
    this(toolsOffered, toolCalls, toolResults, texts, List.of());
  }
}
