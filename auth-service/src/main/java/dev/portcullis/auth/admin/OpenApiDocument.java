package dev.portcullis.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's OpenAPI 3.1 description: {@code openapi.yaml} next to this class (in the jar),
 * read and turned into JSON once, off the event loop (a worker reads it as soon as the route is
 * mounted on a Vert.x thread, so at the admin API's start), and answered as those bytes by
 * {@code GET /api/admin/openapi.json} behind the admin API's own authentication.
 */
public final class OpenApiDocument {

  private static final Logger LOG = LoggerFactory.getLogger(OpenApiDocument.class);
  /** Where the YAML source is, beside this class. */
  static final String RESOURCE = "openapi.yaml";
  /** A vert.x path parameter ({@code :id}), written in OpenAPI as {@code {id}}. */
  private static final Pattern PATH_PARAMETER = Pattern.compile(":([A-Za-z0-9_]+)");

  /** The JSON, read when this class is first used: never from an event loop (see {@link #mount}). */
  private static final class Loaded {
    static final byte[] JSON = toJson(RESOURCE);
  }

  /** Set once {@link Loaded} holds the JSON: from then on it is answered without leaving the event loop. */
  private static volatile boolean loaded;

  private OpenApiDocument() {}

  /** The document as compact JSON, UTF-8. Reads it the first time: call it off the event loop. */
  public static Buffer json() {
    Buffer json = Buffer.buffer(Loaded.JSON);
    loaded = true;
    return json;
  }

  /**
   * Adds {@code GET {base}/openapi.json} to {@code router}; mount it behind the admin API's token
   * check. On a Vert.x thread it also has a worker read the document now, so the first request
   * finds it ready (and a broken document is logged at start).
   */
  public static void mount(Router router, String base) {
    router.get(base + "/openapi.json").handler(OpenApiDocument::answer);
    Context context = Vertx.currentContext();
    if (context != null && !loaded) {
      context.owner().executeBlocking(OpenApiDocument::json, false)
          .onFailure(failure -> LOG.error("The admin API's OpenAPI document cannot be read", failure));
    }
  }

  private static void answer(RoutingContext ctx) {
    if (loaded) {
      send(ctx, json());
      return;
    }
    ctx.vertx().executeBlocking(OpenApiDocument::json, false).onComplete(read -> {
      if (read.succeeded()) {
        send(ctx, read.result());
      } else {
        ctx.fail(read.cause());
      }
    });
  }

  private static void send(RoutingContext ctx, Buffer json) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(json);
  }

  /**
   * The operations a router answers, as {@code "GET /api/admin/limits/{id}"} (method upper case,
   * path parameters as OpenAPI writes them), sorted. Routes without a method or with a {@code *} in
   * their path are not operations but catch-alls (the token check and body reading on
   * {@code /api/admin/*}, the 404 for an unknown call, the failure handler, the refusal of
   * {@code /prices/:provider/*}) and are left out, as are routes matched by a regular expression
   * (they have no path).
   */
  public static Set<String> operations(Router router) {
    Set<String> operations = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      String path = route.getPath();
      // vert.x reports "/x/*" as the path "/x/" that is not exact: a prefix of static files or a
      // catch-all, not one call.
      if (methods == null || methods.isEmpty() || path == null || path.contains("*")
          || (!route.isExactPath() && !route.isRegexPath())) {
        continue;
      }
      String openApiPath = PATH_PARAMETER.matcher(path).replaceAll("{$1}");
      for (HttpMethod method : methods) {
        operations.add(method.name().toUpperCase(Locale.ROOT) + " " + openApiPath);
      }
    }
    return operations;
  }

  /** Reads the YAML resource and writes it as JSON; fails loudly: a broken document is a broken build. */
  static byte[] toJson(String resource) {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("The OpenAPI document " + resource + " is missing from the class path");
      }
      JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(in);
      if (document == null || !document.isObject() || !document.has("openapi")) {
        throw new IllegalStateException("The OpenAPI document " + resource + " is not an OpenAPI object");
      }
      return new ObjectMapper().writeValueAsBytes(document);
    } catch (IOException e) {
      throw new UncheckedIOException("The OpenAPI document " + resource + " cannot be read", e);
    }
  }
}
