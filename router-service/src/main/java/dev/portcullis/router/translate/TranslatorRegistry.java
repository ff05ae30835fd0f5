package dev.portcullis.router.translate;

import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.provider.RouterRole;
import dev.portcullis.router.translate.openai.IdMinter;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  /**
   * A translator for every provider the model router translates ({@link RouterRole#TRANSLATED}),
   * of the class its descriptor names, with tool-call ids from {@code ids}.
   */
  public static TranslatorRegistry standard(IdMinter ids) {
    return new TranslatorRegistry(Providers.withRouterRole(RouterRole.TRANSLATED).stream()
        .map(descriptor -> load(descriptor, ids))
        .toList());
  }

  /**
   * The translator a descriptor names: its class has a public constructor taking an
   * {@link IdMinter} (when it mints ids of its own) or none, and translates for that provider.
   */
  static ChatTranslator load(ProviderDescriptor descriptor, IdMinter ids) {
    ChatTranslator translator;
    try {
      Class<? extends ChatTranslator> type = Class.forName(descriptor.translator()).asSubclass(ChatTranslator.class);
      translator = takesIds(type) ? type.getConstructor(IdMinter.class).newInstance(ids)
          : type.getConstructor().newInstance();
    } catch (ClassNotFoundException | ClassCastException | NoSuchMethodException | InstantiationException
        | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(descriptor.name() + ": its translator " + descriptor.translator()
          + " cannot be made", e);
    }
    if (!translator.provider().equals(descriptor.name())) {
      throw new IllegalStateException(descriptor.name() + ": its translator " + descriptor.translator()
          + " translates for " + translator.provider());
    }
    return translator;
  }

  private static boolean takesIds(Class<? extends ChatTranslator> type) {
    try {
      type.getConstructor(IdMinter.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  public Optional<ChatTranslator> find(String provider) {
    return Optional.ofNullable(translators.get(provider));
  }

  /** The translator for a provider; a 400 on {@code model} naming the known ones otherwise. */
  public ChatTranslator require(String provider) {
    ChatTranslator translator = translators.get(provider);
    if (translator == null) {
      throw GatewayError.invalidRequest(
          "the model router cannot translate to provider '" + provider + "'; use one of "
              + String.join(", ", translators.keySet().stream().sorted().toList()),
          "model").toException();
    }
    return translator;
  }
}
