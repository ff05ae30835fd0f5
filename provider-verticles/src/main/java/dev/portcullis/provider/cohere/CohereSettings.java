package dev.portcullis.provider.cohere;

import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.settings.Settings;

/**
 * Cohere's settings, read and checked once at startup.
 *
 * @param baseUrl       the API root, path prefix kept
 * @param defaultApiKey the descriptor's default key setting ({@code ARCHESTRA_CHAT_COHERE_API_KEY}), used only for
 *                      server-side credentials; may be {@code null}
 */
public record CohereSettings(String baseUrl, String defaultApiKey) {

  public static final String BASE_URL = "ARCHESTRA_COHERE_BASE_URL";
  public static final String DEFAULT_BASE_URL = "https://api.cohere.ai";

  public static CohereSettings from(Settings settings) {
    return new CohereSettings(settings.url(BASE_URL, DEFAULT_BASE_URL),
        settings.string(NativeProviders.COHERE.defaultKeySetting()));
  }

  @Override
  public String toString() {
    return "CohereSettings[baseUrl=" + baseUrl + ", defaultApiKey=" + (defaultApiKey == null ? "none" : "<redacted>") + "]";
  }
}
