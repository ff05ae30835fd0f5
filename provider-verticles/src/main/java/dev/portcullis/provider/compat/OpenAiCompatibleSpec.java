package dev.portcullis.provider.compat;

import dev.portcullis.common.compat.CompatibleOperation;
import dev.portcullis.common.compat.OpenAiCompatibleRouteTable;
import dev.portcullis.provider.AccountSelectors;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one OpenAI-compatible provider declares: its route name, where its API lives by default,
 * which settings move it, its default key, and its quirks. Adding such a provider is one entry in
 * {@link OpenAiCompatibleProviders} (plus its route name in {@link OpenAiCompatibleRouteTable},
 * which the gateway shares).
 *
 * @param name              the route and bus name ({@code openai}, {@code groq}, ...)
 * @param defaultBaseUrl    the API root, path prefix included ({@code https://api.groq.com/openai/v1});
 *                          {@code null} when the provider has none and is off until configured
 * @param baseUrlSettings   settings that override the base URL, first set one wins
 * @param defaultKeySetting the setting holding the server-side default key, used only when the
 *                          request's credential is {@code serverSide}
 * @param headerSettings    upstream header name → the setting that supplies its value, sent when set
 * @param keyless           whether calls without any key are normal for this provider (self-hosted)
 * @param enableHint        when the provider is off until configured: what the client is told to do
 * @param staticModels      when the provider has no models endpoint: the list answered locally
 * @param accountSelectors  what picks an account or billing target besides the key, dropped when
 *                          Portcullis supplies the credential ({@link AccountSelectors})
 */
public record OpenAiCompatibleSpec(
    String name,
    String defaultBaseUrl,
    List<String> baseUrlSettings,
    String defaultKeySetting,
    Map<String, String> headerSettings,
    boolean keyless,
    String enableHint,
    StaticModels staticModels,
    AccountSelectors accountSelectors) {

  /** A models list answered without an upstream call: a setting, and its default when unset. */
  public record StaticModels(String setting, List<String> defaults) {
    public StaticModels {
      defaults = List.copyOf(defaults);
    }
  }

  public OpenAiCompatibleSpec {
    Objects.requireNonNull(name, "name");
    baseUrlSettings = List.copyOf(baseUrlSettings);
    headerSettings = Map.copyOf(headerSettings);
    Objects.requireNonNull(accountSelectors, "accountSelectors");
    OpenAiCompatibleRouteTable.operationsOf(name);
  }

  /**
   * What picks an account besides the key in OpenAI's API, and so in every API that copies it:
   * {@code OpenAI-Organization} and {@code OpenAI-Project} choose which organization and project a
   * call is billed to (platform.openai.com/docs/api-reference, "Organizations and projects"; the
   * OpenAI SDKs send them from {@code OPENAI_ORG_ID} and {@code OPENAI_PROJECT_ID}), and the answer
   * names them back in {@code openai-organization} and {@code openai-project}.
   */
  public static final AccountSelectors OPENAI_ACCOUNT_SELECTORS = AccountSelectors
      .requestHeaders("OpenAI-Organization", "OpenAI-Project")
      .andResponseHeaders("openai-organization", "openai-project");

  /** A provider with a default base URL, its base-URL settings and its default-key setting. */
  public static OpenAiCompatibleSpec of(String name, String defaultBaseUrl, List<String> baseUrlSettings,
      String defaultKeySetting) {
    return new OpenAiCompatibleSpec(name, defaultBaseUrl, baseUrlSettings, defaultKeySetting, Map.of(), false, null,
        null, OPENAI_ACCOUNT_SELECTORS);
  }

  /** Also drops these request headers when Portcullis supplies the credential (a provider's own account selectors). */
  public OpenAiCompatibleSpec withAccountRequestHeaders(String... names) {
    return new OpenAiCompatibleSpec(name, defaultBaseUrl, baseUrlSettings, defaultKeySetting, headerSettings,
        keyless, enableHint, staticModels, accountSelectors.andRequestHeaders(names));
  }

  /** Sends these headers, each from its setting when set (OpenRouter's attribution headers). */
  public OpenAiCompatibleSpec withHeaders(Map<String, String> headerToSetting) {
    return new OpenAiCompatibleSpec(name, defaultBaseUrl, baseUrlSettings, defaultKeySetting, headerToSetting,
        keyless, enableHint, staticModels, accountSelectors);
  }

  /** Calls without a key are normal (self-hosted servers that check none). */
  public OpenAiCompatibleSpec keylessAllowed() {
    return new OpenAiCompatibleSpec(name, defaultBaseUrl, baseUrlSettings, defaultKeySetting, headerSettings, true,
        enableHint, staticModels, accountSelectors);
  }

  /** Off unless a base URL is configured; {@code hint} tells the client how to turn it on. */
  public OpenAiCompatibleSpec enabledOnlyWhenConfigured(String hint) {
    return new OpenAiCompatibleSpec(name, null, baseUrlSettings, defaultKeySetting, headerSettings, keyless, hint,
        staticModels, accountSelectors);
  }

  /** {@code GET /models} is answered from a configured list instead of the upstream. */
  public OpenAiCompatibleSpec withStaticModels(String setting, List<String> defaults) {
    return new OpenAiCompatibleSpec(name, defaultBaseUrl, baseUrlSettings, defaultKeySetting, headerSettings,
        keyless, enableHint, new StaticModels(setting, defaults), accountSelectors);
  }

  /** The operations this provider offers (shared with the gateway's routes). */
  public Set<CompatibleOperation> operations() {
    return OpenAiCompatibleRouteTable.operationsOf(name);
  }

  /** What a client is told when the provider has no base URL. */
  public String notConfiguredMessage() {
    return enableHint != null ? enableHint
        : "The " + name + " provider has no base URL: set " + String.join(" or ", baseUrlSettings) + ".";
  }

  public boolean offers(String operation) {
    CompatibleOperation known = CompatibleOperation.named(operation);
    return known != null && operations().contains(known);
  }
}
