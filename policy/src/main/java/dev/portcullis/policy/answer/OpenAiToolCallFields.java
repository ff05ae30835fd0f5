package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.policy.conversation.ToolCall;

/**
 * Where a chat-completions tool call (whole, or one streamed delta of it) keeps its name and its
 * arguments: {@code function.name} and {@code function.arguments} (a string of JSON) for function
 * tools, {@code custom.name} and {@code custom.input} (free text) for custom tools. Anything else
 * reads as a call without name or arguments, which is still judged (by the empty name).
 */
final class OpenAiToolCallFields {

  private OpenAiToolCallFields() {}

  /** The name, or the name fragment a delta carries; null when there is none. */
  static String name(JsonNode call) {
    String function = AnswerJson.text(call.path("function"), "name");
    return function != null ? function : AnswerJson.text(call.path("custom"), "name");
  }

  /** The arguments text, or the fragment a delta carries; null when there is none. */
  static String arguments(JsonNode call) {
    String function = AnswerJson.text(call.path("function"), "arguments");
    return function != null ? function : AnswerJson.text(call.path("custom"), "input");
  }

  /** Whether this is a custom tool's call, whose input is free text rather than JSON. */
  static boolean isCustom(JsonNode call) {
    return call.path("custom").isObject() && !call.path("function").isObject();
  }

  /**
   * The arguments as the judge takes them (a JSON object's text): a custom tool's free-text input
   * is given as {@code {"input": "..."}} so a rule can still read it.
   */
  static String forJudge(boolean custom, String arguments, boolean whole) {
    if (custom) {
      return ToolCall.customInputArguments(arguments);
    }
    return whole ? JudgedArguments.whole(arguments) : JudgedArguments.partial(arguments);
  }
}
