package dev.portcullis.policy.answer;

import dev.portcullis.policy.conversation.ApiFamily;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;

/** The tool-call rewriter or stream gate of each API family. */
public final class AnswerGates {

  private static final OpenAiChatAnswerRewriter OPENAI_CHAT = new OpenAiChatAnswerRewriter();
  private static final ResponsesAnswerRewriter RESPONSES = new ResponsesAnswerRewriter();
  private static final AnthropicAnswerRewriter ANTHROPIC = new AnthropicAnswerRewriter();
  private static final GeminiAnswerRewriter GEMINI = new GeminiAnswerRewriter();
  private static final CohereAnswerRewriter COHERE = new CohereAnswerRewriter();
  private static final BedrockConverseAnswerRewriter BEDROCK = new BedrockConverseAnswerRewriter();

  private AnswerGates() {}

  /** A whole answer with its blocked tool calls replaced by text (the same buffer when none is blocked). */
  public static Rewritten rewrite(ApiFamily family, Buffer body, ToolCallJudge judge) {
    return switch (family) {
      case OPENAI_CHAT -> OPENAI_CHAT.rewrite(body, judge);
      case OPENAI_RESPONSES -> RESPONSES.rewrite(body, judge);
      case ANTHROPIC_MESSAGES -> ANTHROPIC.rewrite(body, judge);
      case GEMINI -> GEMINI.rewrite(body, judge);
      case COHERE_CHAT -> COHERE.rewrite(body, judge);
      case BEDROCK_CONVERSE -> BEDROCK.rewrite(body, judge);
    };
  }

  /** A new gate for one streamed answer ({@code jsonArray}: Gemini's stream without {@code alt=sse}). */
  public static StreamGate streamGate(ApiFamily family, boolean jsonArray, ToolCallJudge judge) {
    return switch (family) {
      case OPENAI_CHAT -> new OpenAiChatStreamGate(judge);
      case OPENAI_RESPONSES -> new ResponsesStreamGate(judge);
      case ANTHROPIC_MESSAGES -> new AnthropicStreamGate(judge);
      case GEMINI -> jsonArray ? GeminiStreamGate.jsonArray(judge) : GeminiStreamGate.sse(judge);
      case COHERE_CHAT -> new CohereStreamGate(judge);
      case BEDROCK_CONVERSE -> new BedrockConverseStreamGate(judge);
    };
  }
}
