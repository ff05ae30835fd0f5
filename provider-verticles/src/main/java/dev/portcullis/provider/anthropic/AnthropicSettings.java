package dev.portcullis.provider.anthropic;

import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.settings.Settings;

/**
 * Anthropic's settings, read and checked once at startup.
 *
 * @param baseUrl        the Messages API root, path prefix kept (Foundry: {@code https://<resource>.services.ai.azure.com/anthropic})
 * @param defaultApiKey  the descriptor's default key setting ({@code ARCHESTRA_CHAT_ANTHROPIC_API_KEY}), used only
 *                       for server-side credentials; may be {@code null}
 * @param foundryEntraId the descriptor's server-identity setting: server-side calls carry a Microsoft Entra ID
 *                       token instead of a key
 */
public record AnthropicSettings(String baseUrl, String defaultApiKey, boolean foundryEntraId) {

  public static final String BASE_URL = "ARCHESTRA_ANTHROPIC_BASE_URL";
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";

  public static AnthropicSettings from(Settings settings) {
    return new AnthropicSettings(settings.url(BASE_URL, DEFAULT_BASE_URL),
        settings.string(NativeProviders.ANTHROPIC.defaultKeySetting()),
        NativeProviders.ANTHROPIC.serverIdentity().enabledIn(settings));
  }

  @Override
  public String toString() {
    return "AnthropicSettings[baseUrl=" + baseUrl + ", defaultApiKey=" + (defaultApiKey == null ? "none" : "<redacted>")
        + ", foundryEntraId=" + foundryEntraId + "]";
  }
}
