package dev.portcullis.router.translate.cohere;

/** Cohere v2 {@code finish_reason} to OpenAI {@code finish_reason} ({@code stop}, {@code length}, {@code tool_calls}). */
public final class CohereFinishReasons {

  private CohereFinishReasons() {}

  public static String toOpenAi(String finishReason) {
    if (finishReason == null) {
      return "stop";
    }
    switch (finishReason) {
      case "MAX_TOKENS":
        return "length";
      case "TOOL_CALL":
        return "tool_calls";
      default:
        // COMPLETE, STOP_SEQUENCE; ERROR and TIMEOUT in a 200 answer still ended the turn.
        return "stop";
    }
  }
}
