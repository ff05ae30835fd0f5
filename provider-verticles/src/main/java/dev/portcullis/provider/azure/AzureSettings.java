package dev.portcullis.provider.azure;

import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;

/**
 * The Azure AI Foundry settings, read and checked once at start-up.
 *
 * @param endpoint             the default endpoint ({@code ARCHESTRA_AZURE_OPENAI_BASE_URL}), or {@code null}
 * @param apiVersion           classic chat and deployment listing
 * @param responsesApiVersion  classic Responses
 * @param entraIdEnabled       the descriptor's server-identity setting: server-side calls use a Microsoft Entra ID
 *                             token instead of a key
 * @param defaultKey           the descriptor's default key setting ({@code ARCHESTRA_CHAT_AZURE_OPENAI_API_KEY}), or
 *                             {@code null}
 */
public record AzureSettings(AzureEndpoint endpoint, String apiVersion, String responsesApiVersion,
    boolean entraIdEnabled, String defaultKey) {

  public static final String BASE_URL = "ARCHESTRA_AZURE_OPENAI_BASE_URL";
  public static final String API_VERSION = "ARCHESTRA_AZURE_OPENAI_API_VERSION";
  public static final String RESPONSES_API_VERSION = "ARCHESTRA_AZURE_OPENAI_RESPONSES_API_VERSION";

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
        NativeProviders.AZURE.serverIdentity().enabledIn(settings),
        settings.string(NativeProviders.AZURE.defaultKeySetting()));
  }
}
