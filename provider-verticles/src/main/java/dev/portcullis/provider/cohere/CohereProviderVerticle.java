package dev.portcullis.provider.cohere;

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
 * Cohere's v2 chat and model list. Clients are told to call {@code /chat}; the Cohere SDKs call
 * {@code /v2/chat}: both are v2 chat and go upstream to {@code /v2/chat}
 * ({@code /v1/chat} upstream is a different API). {@code /v1/models} goes as it came. Body and
 * query untouched. Auth is {@code Authorization: Bearer}: the client's own passes through; a
 * stored key, or for a server-side credential {@code ARCHESTRA_CHAT_COHERE_API_KEY}, replaces it.
 */
public final class CohereProviderVerticle extends ProviderVerticle {

  static final String V2_CHAT = "/v2/chat";

  private final CohereSettings config;

  public CohereProviderVerticle(CohereSettings config, ProviderSettings options, MeterRegistry registry) {
    super(NativeProviders.COHERE, options, registry);
    this.config = config;
  }

  @Override
  protected Future<UpstreamCall> prepare(ProxyRequest request) {
    UpstreamCredential credential = request.credential();
    String base = credential != null && credential.baseUrl() != null ? credential.baseUrl() : config.baseUrl();
    String path = request.path().equals("/chat") ? V2_CHAT : request.path();
    String url = base + path + (request.query() == null ? "" : "?" + request.query());
    if (credential == null) {
      return Future.succeededFuture(new UpstreamCall(request.method(), url, request.headers(), request.body()));
    }
    String key = credential.hasApiKey() ? credential.apiKey()
        : credential.serverSide() ? config.defaultApiKey() : null;
    if (key == null) {
      return Future.failedFuture(GatewayError.of(ErrorKind.AUTHENTICATION,
          "No Cohere credential is available for this call: send your Cohere key as Authorization: Bearer, or "
              + "configure " + NativeProviders.COHERE.defaultKeySetting() + ".").toException());
    }
    // The request's headers may be shared with the gateway in this JVM: change a copy.
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    credential.extraHeaders().forEach(headers::set);
    headers.set("Authorization", "Bearer " + key);
    return Future.succeededFuture(new UpstreamCall(request.method(), url, headers, request.body()));
  }

  /** Only chat reports usage; the model list consumes no tokens. */
  private static final UsageFormat USAGE = UsageFormat.of(
      (request, body) -> is(request, Operation.CHAT) ? CohereUsageReader.read(body.getBytes()) : Usage.UNKNOWN,
      request -> is(request, Operation.CHAT) ? new CohereStreamUsageObserver() : UsageObserver.NONE);

  @Override
  protected UsageFormat usage() {
    return USAGE;
  }
}
