package dev.portcullis.gateway.routes;

import dev.portcullis.gateway.errors.ApiErrorFormat;

/**
 * One route a provider offers under {@code /v1/<provider>[/{id}]}.
 *
 * @param provider      the provider name
 * @param method        the HTTP method
 * @param path          the path after the provider (and proxy id), as the client calls it; may hold
 *                      {@code {name}} segments (see {@link PathTemplate})
 * @param operation     the operation name used in metrics, logs and by the provider verticle
 * @param jsonBody      whether the route takes a JSON object body (parsed and checked before forwarding)
 * @param errorFormat   how errors are spelled for this API
 */
public record ProviderRoute(
    String provider,
    String method,
    String path,
    String operation,
    boolean jsonBody,
    ApiErrorFormat errorFormat) {

  public PathTemplate template() {
    return new PathTemplate(path);
  }
}
