package dev.portcullis.policy.conversation;

/**
 * A tool call the model asks for.
 *
 * @param id the call's id as the API names it ({@code call_...}, {@code toolu_...}); null where
 *     the API has none (Gemini)
 * @param name the tool's name
 * @param argumentsJson the arguments as a JSON object's text ({@code "{}"} when there are none);
 *     OpenAI sends them as a string of JSON, which is given here as it was sent
 */
public record ToolCall(String id, String name, String argumentsJson) {

  /**
   * A custom tool's free-text input as the arguments rules read, in a request's view and in the
   * answer gates alike: {@code {"input": "..."}}, or {@code "{}"} when there is none.
   */
  public static String customInputArguments(String input) {
    if (input == null || input.isEmpty()) {
      return "{}";
    }
    return LenientJson.write(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
        .put("input", input));
  }
}
