package dev.portcullis.router.translate;

import dev.portcullis.router.translate.anthropic.AnthropicChatTranslator;
import dev.portcullis.router.translate.bedrock.BedrockChatTranslator;
import dev.portcullis.router.translate.cohere.CohereChatTranslator;
import dev.portcullis.router.translate.gemini.GeminiChatTranslator;
import dev.portcullis.router.translate.openai.IdMinter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The chat translators of the model router, by provider name as used in model ids. */
public final class TranslatorRegistry {

  private final Map<String, ChatTranslator> translators;

  public TranslatorRegistry(List<ChatTranslator> translators) {
    Map<String, ChatTranslator> byName = new LinkedHashMap<>();
    for (ChatTranslator translator : translators) {
      if (byName.put(translator.provider(), translator) != null) {
        throw new IllegalArgumentException("two translators for provider " + translator.provider());
      }
    }
    this.translators = Map.copyOf(byName);
  }

  /** Anthropic, Gemini, Cohere and Bedrock, with tool-call ids from {@code ids}. */
  public static TranslatorRegistry standard(IdMinter ids) {
    return new TranslatorRegistry(List.of(
        new AnthropicChatTranslator(),
        new GeminiChatTranslator(ids),
        new CohereChatTranslator(),
        new BedrockChatTranslator()));
  }

  public Set<String> providers() {
    return translators.keySet();
  }

  /**
   * The OpenAI error and status for a native HTTP error answer of {@code provider} (reference
   * section 10).
   */
  public TranslatedError translateError(String provider, int status, byte[] body, Map<String, String> headers) {
    return require(provider).translateError(status, body, headers);
  }

  public Optional<ChatTranslator> find(String provider) {
    return Optional.ofNullable(translators.get(provider));
  }

  /** The translator for a provider; a 400 on {@code model} naming the known ones otherwise. */
  public ChatTranslator require(String provider) {
    ChatTranslator translator = translators.get(provider);
    if (translator == null) {
      throw new TranslationException(
          "the model router cannot translate to provider '" + provider + "'; use one of "
              + String.join(", ", translators.keySet().stream().sorted().toList()),
          "model");
    }
    return translator;
  }
}
