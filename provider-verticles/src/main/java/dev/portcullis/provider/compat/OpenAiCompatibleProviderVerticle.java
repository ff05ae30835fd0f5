package dev.portcullis.provider.compat;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.config.Settings;
import dev.portcullis.provider.ProviderOptions;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.UpstreamCall;
import dev.portcullis.provider.usage.OpenAiStreamUsageObserver;
import dev.portcullis.provider.usage.OpenAiUsageReader;
import dev.portcullis.provider.usage.UsageObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A provider that speaks OpenAI's own API: the call goes to {@code <base URL><path>} as the
 * client made it, body untouched. A resolved server-side key replaces the client's
 * {@code Authorization}; otherwise the client's own key passes through.
 */
public final class OpenAiCompatibleProviderVerticle extends ProviderVerticle {

  private final OpenAiCompatibleSpec spec;
  private final String baseUrl;
  private final Map<String, String> fixedHeaders;

  public OpenAiCompatibleProviderVerticle(OpenAiCompatibleSpec spec, Settings settings, ProviderOptions options,
      MeterRegistry registry) {
    super(options, registry);
    this.spec = spec;
    this.baseUrl = baseUrl(spec, settings);
    Map<String, String> headers = new LinkedHashMap<>();
    spec.headerSettings().forEach((header, setting) -> {
      String value = settings.string(setting);
      if (value != null) {
        headers.put(header, value);
      }
    });
    this.fixedHeaders = Map.copyOf(headers);
  }

  /** The configured base URL: the first set setting of the spec, else its default. Validated. */
  public static String baseUrl(OpenAiCompatibleSpec spec, Settings settings) {
    for (String setting : spec.baseUrlSettings()) {
      String value = settings.url(setting, null);
      if (value != null) {
        return value;
      }
    }
    return spec.defaultBaseUrl();
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  protected Future<UpstreamCall> prepare(ProxyRequest request) {
    UpstreamCredential credential = request.credential();
    String base = credential != null && credential.baseUrl() != null ? credential.baseUrl() : baseUrl;
    String url = base + request.path() + (request.query() == null ? "" : "?" + request.query());
    MultiMap headers = request.headers();
    if (!fixedHeaders.isEmpty() || (credential != null && (credential.hasApiKey() || !credential.extraHeaders().isEmpty()))) {
      // The request's headers may be shared with the gateway in this JVM: change a copy.
      headers = MultiMap.caseInsensitiveMultiMap().addAll(headers);
      fixedHeaders.forEach(headers::set);
      if (credential != null) {
        if (credential.hasApiKey()) {
          headers.set("Authorization", "Bearer " + credential.apiKey());
        }
        credential.extraHeaders().forEach(headers::set);
      }
    }
    return Future.succeededFuture(new UpstreamCall(request.method(), url, headers, request.body()));
  }

  @Override
  protected Usage usageOf(ProxyRequest request, Buffer body) {
    return OpenAiUsageReader.read(body);
  }

  @Override
  protected UsageObserver streamUsage(ProxyRequest request) {
    return new OpenAiStreamUsageObserver();
  }
}
