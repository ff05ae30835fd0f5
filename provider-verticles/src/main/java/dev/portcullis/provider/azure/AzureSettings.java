package dev.portcullis.provider.azure;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.provider.AccountSelectors;

/**
 * The Azure AI Foundry settings of Archestra's provider page, read and checked once at start-up.
 *
 * @param endpoint             the default endpoint ({@code ARCHESTRA_AZURE_OPENAI_BASE_URL}), or {@code null}
 * @param apiVersion           classic chat and deployment listing
 * @param responsesApiVersion  classic Responses
 * @param entraIdEnabled       server-side calls use a Microsoft Entra ID token instead of a key
 * @param defaultKey           {@code ARCHESTRA_CHAT_AZURE_OPENAI_API_KEY}, or {@code null}
 */
public record AzureSettings(AzureEndpoint endpoint, String apiVersion, String responsesApiVersion,
    boolean entraIdEnabled, String defaultKey) {

  public static final String BASE_URL = "ARCHESTRA_AZURE_OPENAI_BASE_URL";
  public static final String API_VERSION = "ARCHESTRA_AZURE_OPENAI_API_VERSION";
  public static final String RESPONSES_API_VERSION = "ARCHESTRA_AZURE_OPENAI_RESPONSES_API_VERSION";
  public static final String ENTRA_ID_ENABLED = "ARCHESTRA_AZURE_OPENAI_ENTRA_ID_ENABLED";
  public static final String DEFAULT_KEY = "ARCHESTRA_CHAT_AZURE_OPENAI_API_KEY";

  /**
   * What picks an account besides Portcullis' key or Entra token: OpenAI's organization and project
   * headers (OpenAI SDKs send them when configured; platform.openai.com/docs/api-reference,
   * "Organizations and projects"), Azure Resource Manager's cross-tenant auxiliary tokens
   * ({@code x-ms-authorization-auxiliary}, learn.microsoft.com/azure/azure-resource-manager/management/authenticate-multi-tenant)
   * and the subscription key of an API Management gateway in front of the resource
   * ({@code Ocp-Apim-Subscription-Key}, which picks the APIM subscription that is billed and limited).
   */
  public static final AccountSelectors ACCOUNT_SELECTORS = AccountSelectors
      .requestHeaders("OpenAI-Organization", "OpenAI-Project", "x-ms-authorization-auxiliary",
          "Ocp-Apim-Subscription-Key")
      .andResponseHeaders("openai-organization", "openai-project");

  @Override
  public String toString() {
    return "AzureSettings[endpoint=" + endpoint + ", apiVersion=" + apiVersion + ", responsesApiVersion="
        + responsesApiVersion + ", entraIdEnabled=" + entraIdEnabled + ", defaultKey="
        + (defaultKey == null ? "none" : "<redacted>") + "]";
  }

  public static AzureSettings from(Settings settings) {
    String baseUrl = settings.url(BASE_URL, null);
    AzureEndpoint endpoint = null;
    if (baseUrl != null) {
      try {
        endpoint = AzureEndpoint.of(baseUrl);
      } catch (IllegalArgumentException e) {
        throw new SettingsException(BASE_URL, e.getMessage());
      }
    }
    return new AzureSettings(endpoint,
        settings.string(API_VERSION, "2024-02-01"),
        settings.string(RESPONSES_API_VERSION, "2025-04-01-preview"),
        settings.bool(ENTRA_ID_ENABLED, false),
        settings.string(DEFAULT_KEY));
  }
}
