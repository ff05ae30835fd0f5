package dev.portcullis.provider.anthropic;

import dev.portcullis.provider.usage.UsageFormat;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.UpstreamCall;
import dev.portcullis.provider.usage.UsageObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * Anthropic's Messages API ({@code /v1/messages}, {@code /v1/messages/count_tokens},
 * {@code /v1/models}), at api.anthropic.com or Claude on Microsoft Foundry
 * ({@code https://<resource>.services.ai.azure.com/anthropic}): the call goes to
 * {@code <base URL><path>?<query>} with the body untouched.
 *
 * <p>Credentials: passthrough forwards the client's {@code x-api-key} or {@code Authorization}
 * as they came. A stored key goes as {@code x-api-key}, replacing whatever the client sent. A
 * server-side credential uses the Foundry Entra ID token when that is enabled, else the default
 * key {@code ARCHESTRA_CHAT_ANTHROPIC_API_KEY}. {@code anthropic-version} and
 * {@code anthropic-beta} are forwarded; the API requires a version, so the SDKs' fixed
 * {@code 2023-06-01} is added when the client sent none.
 */
public final class AnthropicProviderVerticle extends ProviderVerticle {

  static final String API_VERSION = "2023-06-01";

  private final AnthropicSettings config;
  private final FoundryEntraTokenSource entraTokens;

  /**
   * @param entraTokens the shared Entra ID token source; required when {@code config.foundryEntraId()}
   */
  public AnthropicProviderVerticle(AnthropicSettings config, FoundryEntraTokenSource entraTokens,
      ProviderSettings options, MeterRegistry registry) {
    super(NativeProviders.ANTHROPIC, options, registry);
    if (config.foundryEntraId() && entraTokens == null) {
      throw new IllegalArgumentException("Foundry Entra ID is enabled but no token source was given");
    }
    this.config = config;
    this.entraTokens = entraTokens;
  }

  @Override
  protected Future<UpstreamCall> prepare(ProxyRequest request) {
    UpstreamCredential credential = request.credential();
    String base = credential != null && credential.baseUrl() != null ? credential.baseUrl() : config.baseUrl();
    String url = base + request.path() + (request.query() == null ? "" : "?" + request.query());
    if (credential == null) {
      MultiMap headers = request.headers();
      if (!headers.contains("anthropic-version")) {
        headers = withVersion(headers);
      }
      return Future.succeededFuture(new UpstreamCall(request.method(), url, headers, request.body()));
    }
    if (credential.hasApiKey()) {
      return Future.succeededFuture(call(request, url, credential, "x-api-key", credential.apiKey()));
    }
    if (credential.serverSide() && config.foundryEntraId()) {
      return entraTokens.token(vertx).map(token -> call(request, url, credential, "Authorization", "Bearer " + token));
    }
    if (credential.serverSide() && config.defaultApiKey() != null) {
      return Future.succeededFuture(call(request, url, credential, "x-api-key", config.defaultApiKey()));
    }
    return Future.failedFuture(GatewayError.of(ErrorKind.AUTHENTICATION,
        "No Anthropic credential is available for this call: send your Anthropic key in x-api-key, or configure "
            + NativeProviders.ANTHROPIC.defaultKeySetting() + " (or "
            + NativeProviders.ANTHROPIC.serverIdentity().setting() + "=true for Claude on Microsoft Foundry).").toException());
  }

  /** The call with the client's own credentials replaced by {@code authHeader: authValue}. */
  private static UpstreamCall call(ProxyRequest request, String url, UpstreamCredential credential, String authHeader,
      String authValue) {
    // The request's headers may be shared with the gateway in this JVM: change a copy.
    MultiMap headers = withVersion(request.headers());
    headers.remove("x-api-key");
    headers.remove("Authorization");
    credential.extraHeaders().forEach(headers::set);
    headers.set(authHeader, authValue);
    return new UpstreamCall(request.method(), url, headers, request.body());
  }

  private static MultiMap withVersion(MultiMap clientHeaders) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(clientHeaders);
    if (!headers.contains("anthropic-version")) {
      headers.set("anthropic-version", API_VERSION);
    }
    return headers;
  }

  /** count_tokens and models consume no tokens; only a Message reports usage. */
  private static final UsageFormat USAGE = UsageFormat.of(
      (request, body) -> is(request, Operation.MESSAGES) ? AnthropicUsageReader.read(body) : Usage.UNKNOWN,
      request -> is(request, Operation.MESSAGES) ? new AnthropicStreamUsageObserver() : UsageObserver.NONE);

  @Override
  protected UsageFormat usage() {
    return USAGE;
  }
}
