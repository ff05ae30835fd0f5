package dev.portcullis.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.json.ClientJsonLimits;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webjars.WebJarVersionLocator;

/**
 * The console on the admin port: its page at {@code /}, its own scripts and styles under
 * {@code /console/assets/}, the chart library (uPlot) and Swagger UI from their WebJars, the API
 * docs page at {@code /api/admin/docs}, and signing in and out at {@code /console/session}. The
 * page then calls the admin API itself, with the session cookie instead of the admin token
 * ({@link ConsoleAccess} says what such a call may do).
 */
public final class ConsoleRoutes {

  public static final String SESSION_PATH = "/console/session";
  public static final String DOCS_PATH = "/api/admin/docs";
  /** A sign-in body is a token in a small JSON object. */
  public static final int SESSION_BODY_LIMIT = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper(ClientJsonLimits.factory(SESSION_BODY_LIMIT));
  private static final int MAX_TOKEN_LENGTH = 512;

  private final ConsoleSessions sessions;
  private final ConsoleAccess access;
  private final boolean tls;
  private final SignInThrottle throttle;

  /**
   * @param tls whether the admin port speaks TLS: the session cookie is then {@code Secure} and the
   *            expected origin {@code https}
   */
  public ConsoleRoutes(ConsoleSettings settings, boolean tls, LongSupplier clock) {
    this.sessions = new ConsoleSessions(settings, clock);
    this.access = new ConsoleAccess(sessions, tls);
    this.tls = tls;
    this.throttle = new SignInThrottle(10, 60_000, clock);
  }

  /** What a call to the admin API without {@code Authorization} may do. */
  public ConsoleAccess access() {
    return access;
  }

  /**
   * Mounts the console's routes; call before the admin API's own, so that the docs page is not
   * taken for an admin call.
   *
   * @param isAdminToken  whether a presented string is the admin token (in constant time)
   * @param sessionBodies where the sign-in body is, read within {@link #SESSION_BODY_LIMIT} by a
   *                      handler the caller mounts on {@link #SESSION_PATH} before these
   */
  public void mount(Router router, Predicate<String> isAdminToken, Function<RoutingContext, Buffer> sessionBodies) {
    WebJarVersionLocator webJars = new WebJarVersionLocator();
    router.route("/").handler(ConsoleRoutes::consoleHeaders);
    router.route("/console/*").handler(ConsoleRoutes::consoleHeaders);
    router.route(DOCS_PATH).handler(ConsoleRoutes::docsHeaders);
    router.route(DOCS_PATH + "/*").handler(ConsoleRoutes::docsHeaders);

    router.get("/").handler(ctx -> page(ctx, "console/index.html"));
    router.get("/console/assets/*").handler(staticFiles("console"));
    router.get("/console/lib/uplot/*").handler(staticFiles(webJarRoot(webJars, "uplot")));
    router.get(DOCS_PATH).handler(ctx -> {
      if (access.session(ctx.request()).isEmpty()) {
        // A browser that is not signed in is sent to the sign-in form rather than shown JSON.
        ctx.response().setStatusCode(302).putHeader("Location", "/").putHeader("Cache-Control", "no-store").end();
        return;
      }
      page(ctx, "console/docs.html");
    });
    router.get(DOCS_PATH + "/assets/*").handler(staticFiles(webJarRoot(webJars, "swagger-ui")));

    router.post(SESSION_PATH).handler(ctx -> signIn(ctx, isAdminToken, sessionBodies.apply(ctx)));
    router.get(SESSION_PATH).handler(this::showSession);
    router.delete(SESSION_PATH).handler(this::signOut);
  }

  private static void consoleHeaders(RoutingContext ctx) {
    SecurityHeaders.apply(ctx.response(), SecurityHeaders.CONSOLE_POLICY);
    ctx.next();
  }

  private static void docsHeaders(RoutingContext ctx) {
    SecurityHeaders.apply(ctx.response(), SecurityHeaders.DOCS_POLICY);
    ctx.next();
  }

  private static void page(RoutingContext ctx, String resource) {
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
        .sendFile(resource);
  }

  private static Handler<RoutingContext> staticFiles(String root) {
    StaticHandler files = StaticHandler.create(root).setDirectoryListing(false).setIncludeHidden(false)
        .setDefaultContentEncoding("UTF-8").setCachingEnabled(true).setMaxAgeSeconds(300);
    // A folder is no file: StaticHandler would answer /console/assets/ with its index page (the
    // console's index.html lives there); it gets the 404 of any unknown path instead.
    return ctx -> {
      if (ctx.normalizedPath().endsWith("/")) {
        ctx.next();
      } else {
        files.handle(ctx);
      }
    };
  }

  private static String webJarRoot(WebJarVersionLocator webJars, String name) {
    String path = webJars.path(name, "");
    if (path == null) {
      throw new IllegalStateException("The WebJar " + name + " is not on the class path");
    }
    return ("META-INF/resources/webjars/" + path).replaceAll("/+$", "");
  }

  private void signIn(RoutingContext ctx, Predicate<String> isAdminToken, Buffer body) {
    HttpServerResponse response = ctx.response().putHeader("Cache-Control", "no-store");
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      // A form another site posts cannot set this type without the browser asking first.
      error(response, 415, "Sign in with a JSON body: Content-Type: application/json", null);
      return;
    }
    if (!access.sameOrigin(ctx.request())) {
      error(response, 403, "Sign-in is accepted only from the console's own page", null);
      return;
    }
    long waitMs = throttle.waitMs();
    if (waitMs > 0) {
      response.putHeader("Retry-After", String.valueOf((waitMs + 999) / 1000));
      error(response, 429, "Too many wrong admin tokens: try again in " + ((waitMs + 999) / 1000) + " s", "token");
      return;
    }
    String token = token(body);
    if (token == null) {
      error(response, 400, "The body must be {\"token\": \"<admin token>\"}", "token");
      return;
    }
    if (!isAdminToken.test(token)) {
      throttle.failed();
      LOG.info("console sign-in refused: not the admin token");
      error(response, 401, "That is not the admin token", "token");
      return;
    }
    Cookie previous = ctx.request().getCookie(ConsoleAccess.COOKIE);
    if (previous != null) {
      // A session cookie from before sign-in is never carried over (session fixation).
      sessions.close(previous.getValue());
    }
    ConsoleSessions.Opened opened = sessions.open();
    response.addCookie(cookie(opened.cookieValue()));
    LOG.info("console signed in");
    answer(response, opened.session());
  }

  private void showSession(RoutingContext ctx) {
    HttpServerResponse response = ctx.response().putHeader("Cache-Control", "no-store");
    Optional<ConsoleSessions.Session> session = access.session(ctx.request());
    if (session.isEmpty()) {
      error(response, 401, "Not signed in, or the session ended", null);
      return;
    }
    answer(response, session.get());
  }

  private void signOut(RoutingContext ctx) {
    HttpServerResponse response = ctx.response().putHeader("Cache-Control", "no-store");
    switch (access.check(ctx.request())) {
      case SIGNED_OUT -> error(response, 401, "Not signed in, or the session ended", null);
      case FORGERY_SUSPECTED -> error(response, 403, "Signing out needs the session's " + ConsoleAccess.CSRF_HEADER
          + " header, from the console's own page", null);
      case ALLOWED -> {
        sessions.close(ctx.request().getCookie(ConsoleAccess.COOKIE).getValue());
        response.addCookie(cookie("").setMaxAge(0));
        response.setStatusCode(204).end();
      }
    }
  }

  private Cookie cookie(String value) {
    return Cookie.cookie(ConsoleAccess.COOKIE, value).setPath("/").setHttpOnly(true).setSecure(tls)
        .setSameSite(CookieSameSite.STRICT);
  }

  private void answer(HttpServerResponse response, ConsoleSessions.Session session) {
    response.setStatusCode(200).putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("csrfToken", session.csrfToken())
        .put("idleTimeoutSeconds", sessions.idleTimeoutMs() / 1000)
        .put("expiresAt", Instant.ofEpochMilli(session.expiresAt()).toString())
        .encode());
  }

  private static String token(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body.getBytes());
      JsonNode token = node == null || !node.isObject() || node.size() != 1 ? null : node.get("token");
      return token != null && token.isTextual() && !token.textValue().isEmpty()
          && token.textValue().length() <= MAX_TOKEN_LENGTH ? token.textValue() : null;
    } catch (IOException e) {
      return null;
    }
  }

  static void error(HttpServerResponse response, int status, String message, String field) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", message).put("field", field)).encode());
  }
}
