package dev.portcullis.router.translate.anthropic;

/** Anthropic {@code stop_reason} to OpenAI {@code finish_reason} ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}). */
public final class AnthropicFinishReasons {

  private AnthropicFinishReasons() {}

  public static String toOpenAi(String stopReason) {
    if (stopReason == null) {
      return "stop";
    }
    switch (stopReason) {
      case "max_tokens":
      case "model_context_window_exceeded":
        return "length";
      case "tool_use":
        return "tool_calls";
      case "refusal":
        return "content_filter";
      default:
        // end_turn, stop_sequence, pause_turn and reasons added later all end a normal turn.
        return "stop";
    }
  }
}
