package dev.portcullis.policy.answer;

/**
 * The arguments text a {@link dev.portcullis.policy.tools.ToolCallJudge} is given for a call: a
 * JSON object's text, {@code "{}"} when there is none or when what arrived cannot stand for the
 * call's arguments.
 */
final class JudgedArguments {

  static final String NONE = "{}";

  private JudgedArguments() {}

  /** Arguments that arrived whole: given as sent (OpenAI sends them as a string of JSON), or {@code {}} when empty. */
  static String whole(String arguments) {
    return arguments == null || arguments.isBlank() ? NONE : arguments;
  }

  /**
   * Arguments of a call cut short (the stream ended mid-call, or the call outgrew what a gate
   * holds): used when they happen to be a whole JSON object, else the call is judged by its name
   * alone with {@code {}}.
   */
  static String partial(String arguments) {
    if (arguments == null || arguments.isBlank()) {
      return NONE;
    }
    return AnswerJson.object(arguments) != null ? arguments : NONE;
  }
}
