package dev.portcullis.common.bus;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One client call handed by the gateway (or the model router) to a provider verticle at
 * {@code portcullis.provider.<name>}.
 *
 * @param provider      the provider name, as in the route ({@code openai}, {@code anthropic}, ...)
 * @param operation     the provider operation the route maps to ({@code chat.completions}, ...)
 * @param method        the HTTP method to use upstream
 * @param path          the path below the provider's base URL, starting with {@code /}
 * @param query         the raw query string without {@code ?}, or {@code null}
 * @param headers       the client headers that may be forwarded (hop-by-hop headers removed);
 *                      treated as immutable once sent
 * @param body          the request body bytes exactly as the client sent them (or as rewritten
 *                      where the provider requires it); empty for bodiless calls
 * @param credential    the resolved server-side credential, or {@code null} for passthrough
 * @param proxyId       the LLM proxy id of the route, or {@code null} for the default proxy
 * @param requestId     the gateway's id for this call, used in logs
 * @param model         the model named in the body, when there is one
 * @param timeoutMs     how long the upstream may stay silent before the call fails with 504
 * @param streamAddress where to send the frames of a streamed answer; {@code null} when the
 *                      client did not ask for a stream
 * @param initialCredit how many DATA frames the producer may send before it waits for credit
 */
public record ProxyRequest(
    String provider,
    String operation,
    String method,
    String path,
    String query,
    MultiMap headers,
    Buffer body,
    UpstreamCredential credential,
    String proxyId,
    String requestId,
    String model,
    long timeoutMs,
    String streamAddress,
    int initialCredit) {

  public boolean stream() {
    return streamAddress != null;
  }

  public ProxyRequest withBody(Buffer newBody) {
    return new ProxyRequest(provider, operation, method, path, query, headers, newBody, credential, proxyId,
        requestId, model, timeoutMs, streamAddress, initialCredit);
  }

  public ProxyRequest withStream(String newStreamAddress, int newInitialCredit) {
    return new ProxyRequest(provider, operation, method, path, query, headers, body, credential, proxyId,
        requestId, model, timeoutMs, newStreamAddress, newInitialCredit);
  }

  @Override
  public String toString() {
    // Headers and body may hold secrets and prompts: never print them.
    return "ProxyRequest[" + requestId + " " + provider + " " + operation + " " + method + " " + path
        + (stream() ? " stream" : "") + "]";
  }
}
