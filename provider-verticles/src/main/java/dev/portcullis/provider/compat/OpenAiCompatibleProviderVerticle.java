package dev.portcullis.provider.compat;

import dev.portcullis.provider.usage.UsageFormat;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.OpenAiCompatibleSpec;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.CredentialRefusal;
import dev.portcullis.provider.ModelListRefusal;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.UpstreamCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A provider that speaks OpenAI's own API, described by its {@link OpenAiCompatibleSpec} (its
 * descriptor's {@link ProviderDescriptor#compatible()}): the call
 * goes to {@code <base URL><path>} as the client made it, body untouched, and the answer's bytes
 * (provider-specific fields such as Perplexity's {@code citations} or MiniMax's
 * {@code reasoning_details} included) come back as they arrive.
 *
 * <p>Keys: with no resolved credential the client's own key passes through; a stored key replaces
 * the client's {@code Authorization}; a server-side credential uses the provider's default key
 * ({@code ARCHESTRA_CHAT_<P>_API_KEY}), or no key at all for keyless providers. A keyless provider
 * (Ollama, vLLM) refuses a passthrough call that brings no bearer key of its own: calling such a
 * server without a key is a server-side identity, for resolved callers only.
 */
public final class OpenAiCompatibleProviderVerticle extends ProviderVerticle {

  private final OpenAiCompatibleSpec spec;
  private final String baseUrl;
  private final String defaultKey;
  private final Map<String, String> fixedHeaders;
  private final StaticModelList staticModels;

  /** @param descriptor an OpenAI-compatible provider's descriptor (its {@code compatible()} is set) */
  public OpenAiCompatibleProviderVerticle(ProviderDescriptor descriptor, Settings settings, ProviderSettings options,
      MeterRegistry registry) {
    super(descriptor, options, registry);
    if (descriptor.compatible() == null) {
      throw new IllegalArgumentException(descriptor.name() + " is not an OpenAI-compatible provider");
    }
    OpenAiCompatibleSpec spec = descriptor.compatible();
    this.spec = spec;
    this.baseUrl = baseUrl(spec, settings);
    this.defaultKey = spec.defaultKeySetting() == null ? null : settings.string(spec.defaultKeySetting());
    Map<String, String> headers = new LinkedHashMap<>();
    spec.headerSettings().forEach((header, setting) -> {
      String value = settings.string(setting);
      if (value != null) {
        headers.put(header, value);
      }
    });
    this.fixedHeaders = Map.copyOf(headers);
    this.staticModels = staticModels(spec, settings);
  }

  /**
   * The verticles of one OpenAI-compatible provider (its {@code ProviderVerticleFactory}): the base
   * URL settings are read and checked now, so a bad one stops the launcher before anything starts.
   */
  public static Supplier<ProviderVerticle> verticles(ProviderDescriptor descriptor, Settings settings,
      ProviderSettings options, MeterRegistry registry) {
    baseUrl(descriptor.compatible(), settings);
    return () -> new OpenAiCompatibleProviderVerticle(descriptor, settings, options, registry);
  }

  /**
   * The configured base URL: the first set setting of the spec, else its default (validated);
   * {@code null} for a provider that is off until configured and is not.
   */
  private static String baseUrl(OpenAiCompatibleSpec spec, Settings settings) {
    for (String setting : spec.baseUrlSettings()) {
      String value = settings.url(setting, null);
      if (value != null) {
        return value;
      }
    }
    return spec.defaultBaseUrl();
  }

  private static StaticModelList staticModels(OpenAiCompatibleSpec spec, Settings settings) {
    if (spec.staticModels() == null) {
      return null;
    }
    List<String> configured = settings.list(spec.staticModels().setting());
    return new StaticModelList(spec.name(), configured.isEmpty() ? spec.staticModels().defaults() : configured);
  }

  /** A provider without a models endpoint answers its configured model list itself. */
  @Override
  protected Future<ProxyResponse> answerDirectly(ProxyRequest request) {
    if (staticModels != null && is(request, Operation.MODELS)) {
      return Future.succeededFuture(staticModels.response());
    }
    return null;
  }

  @Override
  protected Future<UpstreamCall> prepare(ProxyRequest request) {
    if (!spec.offers(request.operation())) {
      return Future.failedFuture(GatewayError.notFound("The " + spec.name() + " provider does not offer "
          + request.operation() + ".").toException());
    }
    UpstreamCredential credential = request.credential();
    if (credential == null && spec.keyless() && !hasBearer(request.headers())) {
      // A keyless server answers anyone who reaches it: a passthrough call with no key of its own
      // (its key was elsewhere, say x-api-key) would use the server's standing, not the caller's.
      return Future.failedFuture(CredentialRefusal.passthroughCannotUse(spec.name(),
          "its keyless " + spec.name() + " server").toException());
    }
    String base = credential != null && credential.baseUrl() != null ? trimSlash(credential.baseUrl()) : baseUrl;
    if (base == null) {
      return Future.failedFuture(GatewayError.notFound(spec.notConfiguredMessage()).toException());
    }
    String url = base + request.path() + (request.query() == null ? "" : "?" + request.query());
    MultiMap headers = request.headers();
    if (!fixedHeaders.isEmpty() || credential != null) {
      // The request's headers may be shared with the gateway in this JVM: change a copy.
      headers = MultiMap.caseInsensitiveMultiMap().addAll(headers);
      fixedHeaders.forEach(headers::set);
      if (credential != null) {
        String key;
        try {
          key = keyFor(credential);
        } catch (IllegalStateException e) {
          return Future.failedFuture(GatewayError.of(ErrorKind.AUTHENTICATION, e.getMessage()).toException());
        }
        // Whatever the client sent there (a virtual key, a token) is ours, never the upstream's.
        headers.remove("Authorization");
        if (key != null) {
          headers.set("Authorization", "Bearer " + key);
        }
        credential.extraHeaders().forEach(headers::set);
      }
    }
    return Future.succeededFuture(new UpstreamCall(request.method(), url, headers, request.body()));
  }

  /** The key to send for a resolved credential, {@code null} for none; fails when one is needed. */
  private String keyFor(UpstreamCredential credential) {
    if (credential.hasApiKey()) {
      return credential.apiKey();
    }
    if (credential.serverSide() && defaultKey != null) {
      return defaultKey;
    }
    if (spec.keyless()) {
      return null;
    }
    throw new IllegalStateException(credential.serverSide()
        ? "No API key for " + spec.name() + ": send your own key, or set " + spec.defaultKeySetting() + "."
        : "The " + spec.name() + " provider key has no API key; add one to the key.");
  }

  @Override
  protected GatewayError replaceUpstreamError(ProxyRequest request, UpstreamCall call, int status) {
    if (!is(request, Operation.MODELS)) {
      return null;
    }
    String hint = spec.defaultBaseUrl() == null ? "for example http://your-host:8000/v1"
        : "for example " + spec.defaultBaseUrl();
    return ModelListRefusal.of(spec.name(), call.url(), status, hint);
  }

  @Override
  protected UsageFormat usage() {
    return UsageFormat.OPENAI;
  }

  private static boolean hasBearer(MultiMap headers) {
    String authorization = headers.get("Authorization");
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && !authorization.substring(7).isBlank();
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
