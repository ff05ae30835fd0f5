package dev.portcullis.policy.answer;

import dev.portcullis.policy.answer.redact.AnthropicRedactGate;
import dev.portcullis.policy.answer.redact.BedrockConverseRedactGate;
import dev.portcullis.policy.answer.redact.CohereRedactGate;
import dev.portcullis.policy.answer.redact.FindingListener;
import dev.portcullis.policy.answer.redact.GeminiRedactGate;
import dev.portcullis.policy.answer.redact.OpenAiChatRedactGate;
import dev.portcullis.policy.answer.redact.ResponsesRedactGate;
import dev.portcullis.policy.answer.redact.StreamRedactGate;
import dev.portcullis.policy.conversation.ApiFamily;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import dev.portcullis.policy.tools.ToolCallJudge;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

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
    if (!mayHoldToolCalls(family, body)) {
      return new Rewritten(body, 0);
    }
    return switch (family) {
      case OPENAI_CHAT -> OPENAI_CHAT.rewrite(body, judge);
      case OPENAI_RESPONSES -> RESPONSES.rewrite(body, judge);
      case ANTHROPIC_MESSAGES -> ANTHROPIC.rewrite(body, judge);
      case GEMINI -> GEMINI.rewrite(body, judge);
      case COHERE_CHAT -> COHERE.rewrite(body, judge);
      case BEDROCK_CONVERSE -> BEDROCK.rewrite(body, judge);
    };
  }

  /**
   * Whether a whole answer may hold a tool call at all: the field name or type that marks one in
   * its family ({@code "tool_calls"}, {@code "tool_use"}, {@code "functionCall"}, ...) is in its
   * bytes. Most answers are text, and one without the marker is passed on unparsed. A body with a
   * backslash-u escape anywhere may spell the marker with escapes, and is read whole.
   */
  public static boolean mayHoldToolCalls(ApiFamily family, Buffer body) {
    // One look at each byte where it lies: no copy of the answer.
    byte[][] markers = TOOL_CALL_MARKERS.get(family);
    int length = body.length();
    for (int i = 0; i < length; i++) {
      byte b = body.getByte(i);
      if (b == '\\' && i + 1 < length && body.getByte(i + 1) == 'u') {
        return true;
      }
      if (b == '"') {
        for (byte[] marker : markers) {
          if (startsAt(body, i, marker)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean startsAt(Buffer body, int at, byte[] marker) {
    if (at + marker.length > body.length()) {
      return false;
    }
    for (int j = 1; j < marker.length; j++) {
      if (body.getByte(at + j) != marker[j]) {
        return false;
      }
    }
    return true;
  }

  /** What each family's rewriter looks for, as it appears in the bytes of an answer with a call (quotes included). */
  private static final Map<ApiFamily, byte[][]> TOOL_CALL_MARKERS = new EnumMap<>(Map.of(
      ApiFamily.OPENAI_CHAT, markers("tool_calls", "function_call"),
      ApiFamily.OPENAI_RESPONSES, markers("function_call", "custom_tool_call"),
      ApiFamily.ANTHROPIC_MESSAGES, markers("tool_use"),
      ApiFamily.GEMINI, markers("functionCall"),
      ApiFamily.COHERE_CHAT, markers("tool_calls"),
      ApiFamily.BEDROCK_CONVERSE, markers("toolUse")));

  private static byte[][] markers(String... names) {
    byte[][] quoted = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      quoted[i] = ("\"" + names[i] + "\"").getBytes(StandardCharsets.US_ASCII);
    }
    return quoted;
  }

  /**
   * The same, with the body already parsed by {@link #readObject} ({@code parsed}: null when it is
   * not a JSON object), for an answer {@link #mayHoldToolCalls} let through; the tree is changed
   * in place.
   */
  public static Rewritten rewrite(ApiFamily family, Buffer body, ObjectNode parsed, ToolCallJudge judge) {
    return switch (family) {
      case OPENAI_CHAT -> OPENAI_CHAT.rewrite(body, parsed, judge);
      case OPENAI_RESPONSES -> RESPONSES.rewrite(body, parsed, judge);
      case ANTHROPIC_MESSAGES -> ANTHROPIC.rewrite(body, parsed, judge);
      case GEMINI -> GEMINI.rewrite(body, parsed, judge);
      case COHERE_CHAT -> COHERE.rewrite(body, parsed, judge);
      case BEDROCK_CONVERSE -> BEDROCK.rewrite(body, parsed, judge);
    };
  }

  /**
   * A whole answer read from {@code parser} as the rewriters take it (numbers exact), or null when
   * it is not one JSON object.
   */
  public static ObjectNode readObject(JsonParser parser) throws IOException {
    return AnswerJson.object(parser);
  }

  /**
   * A new gate applying sensitive-data rules to the text of one streamed answer (each scanner holds
   * the detectors set to that action; null: none).
   */
  public static StreamRedactGate redactGate(ApiFamily family, boolean jsonArray, SensitiveScanner block,
      SensitiveScanner redact, SensitiveScanner log) {
    FindingListener none = FindingListener.NONE;
    return switch (family) {
      case OPENAI_CHAT -> new OpenAiChatRedactGate(block, redact, log, none);
      case OPENAI_RESPONSES -> new ResponsesRedactGate(block, redact, log, none);
      case ANTHROPIC_MESSAGES -> new AnthropicRedactGate(block, redact, log, none);
      case GEMINI -> jsonArray ? GeminiRedactGate.jsonArray(block, redact, log, none)
          : GeminiRedactGate.sse(block, redact, log, none);
      case COHERE_CHAT -> new CohereRedactGate(block, redact, log, none);
      case BEDROCK_CONVERSE -> new BedrockConverseRedactGate(block, redact, log, none);
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
