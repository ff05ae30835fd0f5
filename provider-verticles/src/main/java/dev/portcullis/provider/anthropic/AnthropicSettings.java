package dev.portcullis.provider.anthropic;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.provider.AccountSelectors;

/**
 * Anthropic's settings, read and checked once at startup.
 *
 * @param baseUrl        the Messages API root, path prefix kept (Foundry: {@code https://<resource>.services.ai.azure.com/anthropic})
 * @param defaultApiKey  {@code ARCHESTRA_CHAT_ANTHROPIC_API_KEY}, used only for server-side credentials; may be {@code null}
 * @param foundryEntraId whether server-side calls carry a Microsoft Entra ID token instead of a key
 */
public record AnthropicSettings(String baseUrl, String defaultApiKey, boolean foundryEntraId) {

  public static final String BASE_URL = "ARCHESTRA_ANTHROPIC_BASE_URL";
  public static final String DEFAULT_API_KEY = "ARCHESTRA_CHAT_ANTHROPIC_API_KEY";
  public static final String FOUNDRY_ENTRA_ID = "ARCHESTRA_ANTHROPIC_AZURE_FOUNDRY_ENTRA_ID_ENABLED";
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";

  /**
   * What picks an account besides Portcullis' key or Entra token. Anthropic's API has no request
   * header that picks an organization or workspace (a key belongs to one workspace,
   * docs.anthropic.com/en/api/overview), but every answer names the key's organization in
   * {@code anthropic-organization-id}, which a caller using our key must not learn. Claude on
   * Microsoft Foundry sits behind Azure's gateway, whose cross-tenant auxiliary tokens and APIM
   * subscription keys pick a tenant or billed subscription, as for Azure OpenAI.
   */
  public static final AccountSelectors ACCOUNT_SELECTORS = AccountSelectors
      .requestHeaders("x-ms-authorization-auxiliary", "Ocp-Apim-Subscription-Key")
      .andResponseHeaders("anthropic-organization-id");

  public static AnthropicSettings from(Settings settings) {
    return new AnthropicSettings(settings.url(BASE_URL, DEFAULT_BASE_URL), settings.string(DEFAULT_API_KEY),
        settings.bool(FOUNDRY_ENTRA_ID, false));
  }

  @Override
  public String toString() {
    return "AnthropicSettings[baseUrl=" + baseUrl + ", defaultApiKey=" + (defaultApiKey == null ? "none" : "<redacted>")
        + ", foundryEntraId=" + foundryEntraId + "]";
  }
}
