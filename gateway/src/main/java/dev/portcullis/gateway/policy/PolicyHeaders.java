package dev.portcullis.gateway.policy;

import io.vertx.core.http.HttpServerResponse;

/** The headers through which a client tells the policies something, and they tell it their decision. */
public final class PolicyHeaders {

  /** From the client: {@code true} makes the call's context untrusted whatever its tool results. */
  public static final String CONTEXT_UNTRUSTED = "x-portcullis-context-untrusted";
  /** To the client: {@code trusted} or {@code untrusted}. */
  public static final String CONTEXT = "x-portcullis-context";
  /** To the client: why the context is untrusted (which tool result and rule, or the client's header). */
  public static final String CONTEXT_REASON = "x-portcullis-context-reason";

  private PolicyHeaders() {}

  /** Says the context's trust, and why when it is untrusted; reasons are printable ASCII already. */
  public static void context(HttpServerResponse response, boolean untrusted, String reason) {
    response.putHeader(CONTEXT, untrusted ? "untrusted" : "trusted");
    if (untrusted && reason != null) {
      response.putHeader(CONTEXT_REASON, reason);
    }
  }
}
