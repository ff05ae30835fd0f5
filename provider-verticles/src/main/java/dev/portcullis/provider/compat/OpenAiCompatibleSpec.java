package dev.portcullis.provider.compat;

import dev.portcullis.common.compat.CompatibleOperation;
import dev.portcullis.common.compat.OpenAiCompatibleRouteTable;
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
 */
public record OpenAiCompatibleSpec(
    String name,
    String defaultBaseUrl,
    List<String> baseUrlSettings,
    String defaultKeySetting,
    Map<String, String> headerSettings,
    boolean keyless,
    String enableHint,
    StaticModels staticModels) {

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
    OpenAiCompatibleRouteTable.operationsOf(name);
  }

  /** A provider with a default base URL, its base-URL settings and its default-key setting. */
  public static OpenAiCompatibleSpec of(String name, String defaultBaseUrl, List<String> baseUrlSettings,
      String defaultKeySetting) {
    return new OpenAiCompatibleSpec(name, defaultBaseUrl, baseUrlSettings, defaultKeySetting, Map.of(), false, null,
        null);
  }

  /** Sends these headers, each from its setting when set (OpenRouter's attribution headers). */
  public OpenAiCompatibleSpec withHeaders(Map<String, String> headerToSetting) {
    return new OpenAiCompatibleSpec(name, defaultBaseUrl, baseUrlSettings, defaultKeySetting, headerToSetting,
        keyless, enableHint, staticModels);
  }

  /** Calls without a key are normal (self-hosted servers that check none). */
  public OpenAiCompatibleSpec keylessAllowed() {
    return new OpenAiCompatibleSpec(name, defaultBaseUrl, baseUrlSettings, defaultKeySetting, headerSettings, true,
        enableHint, staticModels);
  }

  /** Off unless a base URL is configured; {@code hint} tells the client how to turn it on. */
  public OpenAiCompatibleSpec enabledOnlyWhenConfigured(String hint) {
    return new OpenAiCompatibleSpec(name, null, baseUrlSettings, defaultKeySetting, headerSettings, keyless, hint,
        staticModels);
  }

  /** {@code GET /models} is answered from a configured list instead of the upstream. */
  public OpenAiCompatibleSpec withStaticModels(String setting, List<String> defaults) {
    return new OpenAiCompatibleSpec(name, defaultBaseUrl, baseUrlSettings, defaultKeySetting, headerSettings,
        keyless, enableHint, new StaticModels(setting, defaults));
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
