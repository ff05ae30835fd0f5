package dev.portcullis.console;

import io.vertx.core.http.HttpServerResponse;

/**
 * The headers every console page, asset and session answer carries: a Content-Security-Policy
 * that allows only the jar's own scripts (no inline script, no eval, nothing from elsewhere) and
 * no framing, plus the headers that stop sniffing and referrers.
 */
final class SecurityHeaders {

  static final String CONSOLE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'";

  /**
   * Swagger UI sets style attributes as it renders, so its page allows inline styles; scripts stay
   * the jar's own.
   */
  static final String DOCS_POLICY = CONSOLE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

  private SecurityHeaders() {}

  static void apply(HttpServerResponse response, String policy) {
    response.putHeader("Content-Security-Policy", policy)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Cross-Origin-Resource-Policy", "same-origin");
  }
}
