package dev.portcullis.common.provider;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one OpenAI-compatible provider declares: its route name, the OpenAI operations it offers,
 * where its API lives by default, which settings move it, its default key, and its quirks. Adding
 * such a provider is one entry in {@link OpenAiCompatibleProviders}; its descriptor, routes, bus
 * address, provider verticle and model-router support all follow from it.
 *
 * @param name              the route and bus name ({@code openai}, {@code groq}, ...)
 * @param displayName       the provider's name in messages ({@code Groq})
 * @param operations        the OpenAI operations it offers ({@code /chat/completions}, {@code /models}, ...)
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
 * @param requestIdHeader   the upstream answer's header naming the provider's request id, or {@code null}
 */
public record OpenAiCompatibleSpec(
    String name,
    String displayName,
    Set<Operation> operations,
    String defaultBaseUrl,
    List<String> baseUrlSettings,
    String defaultKeySetting,
    Map<String, String> headerSettings,
    boolean keyless,
    String enableHint,
    StaticModels staticModels,
    AccountSelectors accountSelectors,
    String requestIdHeader) {

  /** The operations an OpenAI-compatible route may offer, with the path each is served at. */
  public static final Map<Operation, String> PATHS = Map.of(
      Operation.CHAT_COMPLETIONS, "/chat/completions",
      Operation.RESPONSES, "/responses",
      Operation.EMBEDDINGS, "/embeddings",
      Operation.MODELS, "/models");

  /** What most OpenAI-compatible providers offer. */
  public static final Set<Operation> CHAT_AND_MODELS =
      Collections.unmodifiableSet(EnumSet.of(Operation.CHAT_COMPLETIONS, Operation.MODELS));

  /** A models list answered without an upstream call: a setting, and its default when unset. */
  public record StaticModels(String setting, List<String> defaults) {
    public StaticModels {
      defaults = List.copyOf(defaults);
    }
  }

  public OpenAiCompatibleSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(displayName, "displayName");
    operations = Collections.unmodifiableSet(EnumSet.copyOf(operations));
    if (!PATHS.keySet().containsAll(operations)) {
      throw new IllegalArgumentException(name + " offers an operation OpenAI-compatible routes do not serve");
    }
    baseUrlSettings = List.copyOf(baseUrlSettings);
    headerSettings = Map.copyOf(headerSettings);
    Objects.requireNonNull(accountSelectors, "accountSelectors");
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

  /** A provider offering chat and models, with a default base URL, its base-URL settings and its default-key setting. */
  public static OpenAiCompatibleSpec of(String name, String displayName, String defaultBaseUrl,
      List<String> baseUrlSettings, String defaultKeySetting) {
    return new OpenAiCompatibleSpec(name, displayName, CHAT_AND_MODELS, defaultBaseUrl, baseUrlSettings,
        defaultKeySetting, Map.of(), false, null, null, OPENAI_ACCOUNT_SELECTORS, null);
  }

  /** Offers these operations instead of chat and models. */
  public OpenAiCompatibleSpec offering(Operation first, Operation... rest) {
    return new OpenAiCompatibleSpec(name, displayName, EnumSet.of(first, rest), defaultBaseUrl, baseUrlSettings,
        defaultKeySetting, headerSettings, keyless, enableHint, staticModels, accountSelectors, requestIdHeader);
  }

  /** Also drops these request headers when Portcullis supplies the credential (a provider's own account selectors). */
  public OpenAiCompatibleSpec withAccountRequestHeaders(String... names) {
    return new OpenAiCompatibleSpec(name, displayName, operations, defaultBaseUrl, baseUrlSettings,
        defaultKeySetting, headerSettings, keyless, enableHint, staticModels, accountSelectors.andRequestHeaders(names),
        requestIdHeader);
  }

  /** Sends these headers, each from its setting when set (OpenRouter's attribution headers). */
  public OpenAiCompatibleSpec withHeaders(Map<String, String> headerToSetting) {
    return new OpenAiCompatibleSpec(name, displayName, operations, defaultBaseUrl, baseUrlSettings,
        defaultKeySetting, headerToSetting, keyless, enableHint, staticModels, accountSelectors, requestIdHeader);
  }

  /** Calls without a key are normal (self-hosted servers that check none). */
  public OpenAiCompatibleSpec keylessAllowed() {
    return new OpenAiCompatibleSpec(name, displayName, operations, defaultBaseUrl, baseUrlSettings,
        defaultKeySetting, headerSettings, true, enableHint, staticModels, accountSelectors, requestIdHeader);
  }

  /** Off unless a base URL is configured; {@code hint} tells the client how to turn it on. */
  public OpenAiCompatibleSpec enabledOnlyWhenConfigured(String hint) {
    return new OpenAiCompatibleSpec(name, displayName, operations, null, baseUrlSettings, defaultKeySetting,
        headerSettings, keyless, hint, staticModels, accountSelectors, requestIdHeader);
  }

  /** {@code GET /models} is answered from a configured list instead of the upstream. */
  public OpenAiCompatibleSpec withStaticModels(String setting, List<String> defaults) {
    return new OpenAiCompatibleSpec(name, displayName, operations, defaultBaseUrl, baseUrlSettings,
        defaultKeySetting, headerSettings, keyless, enableHint, new StaticModels(setting, defaults), accountSelectors,
        requestIdHeader);
  }

  /** The upstream answers name their request id in this header. */
  public OpenAiCompatibleSpec withRequestIdHeader(String header) {
    return new OpenAiCompatibleSpec(name, displayName, operations, defaultBaseUrl, baseUrlSettings,
        defaultKeySetting, headerSettings, keyless, enableHint, staticModels, accountSelectors, header);
  }

  /** What a client is told when the provider has no base URL. */
  public String notConfiguredMessage() {
    return enableHint != null ? enableHint
        : "The " + name + " provider has no base URL: set " + String.join(" or ", baseUrlSettings) + ".";
  }

  public boolean offers(String operation) {
    Operation known = Operation.named(operation);
    return known != null && operations.contains(known);
  }
}
