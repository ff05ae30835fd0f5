package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Assembles one OpenAI {@code chat.completion} with a single choice. */
public final class ChatCompletionBuilder {

  private final StringBuilder text = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private final ArrayNode toolCalls = Json.array();
  private boolean hasText;

  public ChatCompletionBuilder addText(String fragment) {
    hasText = true;
    text.append(fragment);
    return this;
  }

  public ChatCompletionBuilder addReasoning(String fragment) {
    reasoning.append(fragment);
    return this;
  }

  public ChatCompletionBuilder addToolCall(String id, String name, String arguments) {
    ObjectNode call = toolCalls.addObject();
    call.put("id", id);
    call.put("type", "function");
    call.putObject("function").put("name", name).put("arguments", arguments);
    return this;
  }

  public boolean hasToolCalls() {
    return !toolCalls.isEmpty();
  }

  /**
   * The completion. {@code content} is null when the model produced only tool calls (or
   * nothing), as OpenAI does; {@code reasoning_content} is the widely used non-standard field for
   * thinking text, present only when there was some.
   */
  public ObjectNode build(String id, long created, String model, String finishReason, TokenUsage usage) {
    ObjectNode completion = Json.object();
    completion.put("id", id);
    completion.put("object", "chat.completion");
    completion.put("created", created);
    completion.put("model", model);
    ObjectNode choice = completion.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (hasText) {
      message.put("content", text.toString());
    } else {
      message.putNull("content");
    }
    if (reasoning.length() > 0) {
      message.put("reasoning_content", reasoning.toString());
    }
    if (!toolCalls.isEmpty()) {
      message.set("tool_calls", toolCalls);
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    if (usage != null) {
      completion.set("usage", usage.toJson());
    }
    return completion;
  }
}
