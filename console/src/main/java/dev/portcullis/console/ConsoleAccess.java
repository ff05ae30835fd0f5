package dev.portcullis.console;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a request that carries no {@code Authorization} header comes from a signed-in console
 * page, and may do what it asks. A read needs the session cookie. A change (any method but GET and
 * HEAD) needs, besides, the session's CSRF token in {@code X-CSRF-Token} (a page of another site
 * cannot read it, so cannot send it) and, when the browser says where the request comes from, this
 * very origin. The cookie is {@code SameSite=Strict} as well: each of the three alone stops a
 * forged request; together they do not depend on one browser feature.
 */
public final class ConsoleAccess {

  public static final String CSRF_HEADER = "X-CSRF-Token";
  public static final String COOKIE = "portcullis_console";

  /** What the request may do. */
  public enum Verdict {
    /** A live session, and for a change its CSRF token from this origin. */
    ALLOWED,
    /** No session cookie, or one that names no live session. */
    SIGNED_OUT,
    /** A live session, but a change without its CSRF token or from another origin. */
    FORGERY_SUSPECTED
  }

  private final ConsoleSessions sessions;
  private final boolean tls;

  ConsoleAccess(ConsoleSessions sessions, boolean tls) {
    this.sessions = sessions;
    this.tls = tls;
  }

  public Verdict check(HttpServerRequest request) {
    Optional<ConsoleSessions.Session> session = session(request);
    if (session.isEmpty()) {
      return Verdict.SIGNED_OUT;
    }
    if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
      return Verdict.ALLOWED;
    }
    return session.get().csrfMatches(request.getHeader(CSRF_HEADER)) && sameOrigin(request)
        ? Verdict.ALLOWED : Verdict.FORGERY_SUSPECTED;
  }

  Optional<ConsoleSessions.Session> session(HttpServerRequest request) {
    Cookie cookie = request.getCookie(COOKIE);
    return cookie == null ? Optional.empty() : sessions.use(cookie.getValue());
  }

  /**
   * False when the browser says the request comes from another site or origin
   * ({@code Sec-Fetch-Site}, {@code Origin}); true when it says nothing (a script, not a browser).
   */
  boolean sameOrigin(HttpServerRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      return false;
    }
    String origin = request.getHeader("Origin");
    return origin == null || origin.toLowerCase(Locale.ROOT).equals(expectedOrigin(request));
  }

  private String expectedOrigin(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    if (authority == null) {
      return "";
    }
    String scheme = tls ? "https" : "http";
    int port = authority.port();
    boolean defaultPort = port < 0 || (tls ? port == 443 : port == 80);
    return (scheme + "://" + authority.host() + (defaultPort ? "" : ":" + port)).toLowerCase(Locale.ROOT);
  }
}
