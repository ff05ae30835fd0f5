package dev.portcullis.policy.conversation;

import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * Reads a request or a whole answer of any {@link ApiFamily} into its {@link Conversation}: the
 * tools offered, tool calls, tool results and texts, whatever the API's own shapes.
 *
 * <p>Lenient about shapes, because the gateway forwards bodies it does not fully understand:
 * unknown fields are ignored and a field of the wrong type is read as absent, so any JSON object
 * gives a view (perhaps an empty one). Only a body that is not a JSON object is refused. Bounded
 * like every reader of client JSON ({@link dev.portcullis.common.json.ClientJsonLimits}) and linear
 * in the body's size.
 */
public final class ConversationReader {

  private static final FamilyReader OPENAI_CHAT = new OpenAiChatReader();
  private static final FamilyReader OPENAI_RESPONSES = new OpenAiResponsesReader();
  private static final FamilyReader ANTHROPIC_MESSAGES = new AnthropicMessagesReader();
  private static final FamilyReader GEMINI = new GeminiReader();
  private static final FamilyReader COHERE_CHAT = new CohereChatReader();
  private static final FamilyReader BEDROCK_CONVERSE = new BedrockConverseReader();

  private ConversationReader() {}

  /**
   * The view of a request body a client sent: tool calls and results are those of the history.
   *
   * @throws ConversationFormatException when the body is not a JSON object
   */
  public static Conversation readRequest(ApiFamily family, Buffer body) {
    FamilyReader reader = readerFor(family);
    ConversationCollector out = new ConversationCollector();
    reader.readRequest(LenientJson.parseObject(body), out);
    return out.build();
  }

  /**
   * The view of a request body read from {@code parser} (at its start), which the caller made:
   * the sensitive-data scan's, so that one pass over the bytes serves both.
   *
   * @throws ConversationFormatException when the body is not a JSON object
   */
  public static Conversation readRequestFrom(ApiFamily family, JsonParser parser) {
    FamilyReader reader = readerFor(family);
    ConversationCollector out = new ConversationCollector();
    reader.readRequest(LenientJson.parseObject(parser), out);
    return out.build();
  }

  /**
   * The view of a whole (not streamed) answer body: the tool calls the model asks for and its
   * text.
   *
   * @throws ConversationFormatException when the body is not a JSON object
   */
  public static Conversation readAnswer(ApiFamily family, Buffer body) {
    FamilyReader reader = readerFor(family);
    ConversationCollector out = new ConversationCollector();
    reader.readAnswer(LenientJson.parseObject(body), out);
    return out.build();
  }

  private static FamilyReader readerFor(ApiFamily family) {
    return switch (Objects.requireNonNull(family, "family")) {
      case OPENAI_CHAT -> OPENAI_CHAT;
      case OPENAI_RESPONSES -> OPENAI_RESPONSES;
      case ANTHROPIC_MESSAGES -> ANTHROPIC_MESSAGES;
      case GEMINI -> GEMINI;
      case COHERE_CHAT -> COHERE_CHAT;
      case BEDROCK_CONVERSE -> BEDROCK_CONVERSE;
    };
  }
}
