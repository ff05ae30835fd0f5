package dev.portcullis.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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

/**
 * The admin API's OpenAPI 3.1 description: {@code openapi.yaml} next to this class (in the jar),
 * read and turned into JSON once, when the class is first used, and answered as those bytes by
 * {@code GET /api/admin/openapi.json} behind the admin API's own authentication.
 */
public final class OpenApiDocument {

  /** Where the YAML source is, beside this class. */
  static final String RESOURCE = "openapi.yaml";

  private static final byte[] JSON = toJson(RESOURCE);
  /** A vert.x path parameter ({@code :id}), written in OpenAPI as {@code {id}}. */
  private static final Pattern PATH_PARAMETER = Pattern.compile(":([A-Za-z0-9_]+)");

  private OpenApiDocument() {}

  /** The document as compact JSON, UTF-8. */
  public static Buffer json() {
    return Buffer.buffer(JSON);
  }

  /** Adds {@code GET {base}/openapi.json} to {@code router}; mount it behind the admin API's token check. */
  public static void mount(Router router, String base) {
    router.get(base + "/openapi.json").handler(OpenApiDocument::answer);
  }

  private static void answer(RoutingContext ctx) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(json());
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
      if (methods == null || methods.isEmpty() || path == null || path.contains("*")) {
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
