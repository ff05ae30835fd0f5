package dev.portcullis.provider.cohere;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.provider.AccountSelectors;

/**
 * Cohere's settings, read and checked once at startup.
 *
 * @param baseUrl       the API root, path prefix kept
 * @param defaultApiKey {@code ARCHESTRA_CHAT_COHERE_API_KEY}, used only for server-side credentials; may be {@code null}
 */
public record CohereSettings(String baseUrl, String defaultApiKey) {

  public static final String BASE_URL = "ARCHESTRA_COHERE_BASE_URL";
  public static final String DEFAULT_API_KEY = "ARCHESTRA_CHAT_COHERE_API_KEY";
  public static final String DEFAULT_BASE_URL = "https://api.cohere.ai";

  /**
   * Cohere's API has no header or parameter that picks an organization or billing target besides
   * the key ({@code X-Client-Name} only labels the calling application; docs.cohere.com/reference).
   */
  public static final AccountSelectors ACCOUNT_SELECTORS = AccountSelectors.NONE;

  public static CohereSettings from(Settings settings) {
    return new CohereSettings(settings.url(BASE_URL, DEFAULT_BASE_URL), settings.string(DEFAULT_API_KEY));
  }

  @Override
  public String toString() {
    return "CohereSettings[baseUrl=" + baseUrl + ", defaultApiKey=" + (defaultApiKey == null ? "none" : "<redacted>") + "]";
  }
}
