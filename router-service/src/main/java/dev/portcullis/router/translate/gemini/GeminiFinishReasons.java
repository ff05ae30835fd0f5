package dev.portcullis.router.translate.gemini;

/** Gemini {@code finishReason} to OpenAI {@code finish_reason} ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}). */
public final class GeminiFinishReasons {

  private GeminiFinishReasons() {}

  /**
   * @param calledTools whether the answer held function calls: Gemini reports {@code STOP} for
   *     them, while OpenAI clients wait for {@code tool_calls} before running tools
   */
  public static String toOpenAi(String finishReason, boolean calledTools) {
    if (finishReason == null) {
      return calledTools ? "tool_calls" : "stop";
    }
    switch (finishReason) {
      case "STOP":
        return calledTools ? "tool_calls" : "stop";
      case "MAX_TOKENS":
        return "length";
      case "SAFETY":
      case "BLOCKLIST":
      case "PROHIBITED_CONTENT":
      case "SPII":
      case "IMAGE_SAFETY":
      case "IMAGE_PROHIBITED_CONTENT":
      case "RECITATION":
      case "IMAGE_RECITATION":
        return "content_filter";
      default:
        // MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, OTHER, LANGUAGE...: the turn ended.
        return "stop";
    }
  }
}
