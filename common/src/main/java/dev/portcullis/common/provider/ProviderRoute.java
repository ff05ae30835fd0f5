package dev.portcullis.common.provider;

import dev.portcullis.common.error.format.ApiErrorFormat;

/**
 * One route a provider offers under {@code /v1/<provider>[/{id}]}, as its descriptor declares it.
 *
 * @param provider      the provider name
 * @param method        the HTTP method
 * @param path          the path after the provider (and proxy id), as the client calls it; may hold
 *                      {@code {name}} segments (see {@link PathTemplate})
 * @param operation     the operation, named in metrics, logs and the bus request to the provider verticle
 * @param jsonBody      whether the route takes a JSON object body (parsed and checked before forwarding)
 * @param streamMode    how the route tells that the client wants a stream
 * @param modelField    the JSON body field that names the model ({@code model}), or {@code null}
 * @param modelParam    the path parameter that names the model ({@code model}, {@code modelId}), or {@code null}
 * @param errorFormat   how errors are spelled for this API
 */
public record ProviderRoute(
    String provider,
    String method,
    String path,
    Operation operation,
    boolean jsonBody,
    StreamMode streamMode,
    String modelField,
    String modelParam,
    ApiErrorFormat errorFormat) {

  /** A JSON POST route whose body names the model in {@code model} and asks for a stream with {@code stream}. */
  public static ProviderRoute jsonPost(String provider, String path, Operation operation, ApiErrorFormat format) {
    return new ProviderRoute(provider, "POST", path, operation, true, StreamMode.BODY_FLAG, "model", null, format);
  }

  /** A GET route without a body. */
  public static ProviderRoute get(String provider, String path, Operation operation, ApiErrorFormat format) {
    return new ProviderRoute(provider, "GET", path, operation, false, StreamMode.NEVER, null, null, format);
  }

  public PathTemplate template() {
    return new PathTemplate(path);
  }
}
