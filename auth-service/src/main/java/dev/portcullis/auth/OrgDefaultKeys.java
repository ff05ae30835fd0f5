package dev.portcullis.auth;

import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.settings.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The organisation-wide default provider keys, each from its provider's default key setting
 * ({@code ARCHESTRA_CHAT_<PROVIDER>_API_KEY}, {@link ProviderDescriptor#defaultKeySetting()}). They
 * live only in memory (never in the database): a stored provider key created without an
 * {@code apiKey} stands for its provider's default key, so an admin can map the organisation key
 * onto virtual keys without ever handling it.
 */
public final class OrgDefaultKeys {

  private final Map<String, String> keysByProvider;

  private OrgDefaultKeys(Map<String, String> keysByProvider) {
    this.keysByProvider = Map.copyOf(keysByProvider);
  }

  public static OrgDefaultKeys fromSettings(Settings settings) {
    Map<String, String> keys = new HashMap<>();
    for (ProviderDescriptor provider : Providers.all()) {
      String key = provider.defaultKeySetting() == null ? null : settings.string(provider.defaultKeySetting());
      if (key != null) {
        keys.put(provider.name(), key);
      }
    }
    return new OrgDefaultKeys(keys);
  }

  public Optional<String> forProvider(String provider) {
    return Optional.ofNullable(keysByProvider.get(provider));
  }

  /** The providers that have a default key: safe to log, unlike the keys. */
  public java.util.Set<String> providers() {
    return keysByProvider.keySet();
  }

  @Override
  public String toString() {
    return "OrgDefaultKeys" + keysByProvider.keySet();
  }
}
