package dev.portcullis.router.translate.bedrock;

/** Bedrock Converse {@code stopReason} to OpenAI {@code finish_reason} ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}). */
public final class BedrockFinishReasons {

  private BedrockFinishReasons() {}

  public static String toOpenAi(String stopReason) {
    if (stopReason == null) {
      return "stop";
    }
    switch (stopReason) {
      case "tool_use":
        return "tool_calls";
      case "max_tokens":
      case "model_context_window_exceeded":
        return "length";
      case "guardrail_intervened":
      case "content_filtered":
        return "content_filter";
      default:
        // end_turn, stop_sequence, malformed_model_output, malformed_tool_use.
        return "stop";
    }
  }
}
