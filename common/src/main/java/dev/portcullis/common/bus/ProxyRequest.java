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
    return toBuilder().body(newBody).build();
  }

  public ProxyRequest withStream(String newStreamAddress, int newInitialCredit) {
    return toBuilder().stream(newStreamAddress, newInitialCredit).build();
  }

  /** A request built field by field; {@link #toBuilder()} starts from an existing one. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every field of this request, to change some of them. */
  public Builder toBuilder() {
    return new Builder().provider(provider).operation(operation).method(method).path(path).query(query)
        .headers(headers).body(body).credential(credential).proxyId(proxyId).requestId(requestId).model(model)
        .timeoutMs(timeoutMs).stream(streamAddress, initialCredit);
  }

  /** Builds a {@link ProxyRequest}; unset fields are {@code null} (or 0), as for a call that does not stream. */
  public static final class Builder {

    private String provider;
    private String operation;
    private String method;
    private String path;
    private String query;
    private MultiMap headers;
    private Buffer body;
    private UpstreamCredential credential;
    private String proxyId;
    private String requestId;
    private String model;
    private long timeoutMs;
    private String streamAddress;
    private int initialCredit;

    private Builder() {}

    public Builder provider(String provider) {
      this.provider = provider;
      return this;
    }

    public Builder operation(String operation) {
      this.operation = operation;
      return this;
    }

    public Builder method(String method) {
      this.method = method;
      return this;
    }

    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder query(String query) {
      this.query = query;
      return this;
    }

    public Builder headers(MultiMap headers) {
      this.headers = headers;
      return this;
    }

    public Builder body(Buffer body) {
      this.body = body;
      return this;
    }

    public Builder credential(UpstreamCredential credential) {
      this.credential = credential;
      return this;
    }

    public Builder proxyId(String proxyId) {
      this.proxyId = proxyId;
      return this;
    }

    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder timeoutMs(long timeoutMs) {
      this.timeoutMs = timeoutMs;
      return this;
    }

    /** Streams the answer to {@code address}, with {@code initialCredit} frames allowed before the first credit. */
    public Builder stream(String address, int initialCredit) {
      this.streamAddress = address;
      this.initialCredit = initialCredit;
      return this;
    }

    public ProxyRequest build() {
      return new ProxyRequest(provider, operation, method, path, query, headers, body, credential, proxyId,
          requestId, model, timeoutMs, streamAddress, initialCredit);
    }
  }

  @Override
  public String toString() {
    // Headers and body may hold secrets and prompts: never print them.
    return "ProxyRequest[" + requestId + " " + provider + " " + operation + " " + method + " " + path
        + (stream() ? " stream" : "") + "]";
  }
}
