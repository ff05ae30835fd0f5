package dev.portcullis.gateway;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.http.ErrorPage;
import dev.portcullis.common.error.format.ApiErrorFormat;
import dev.portcullis.gateway.auth.TokenEndpointHandler;
import dev.portcullis.gateway.routes.ProviderRoutes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.net.RFC3986;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The gateway's answer to a request refused before routing (a bad request line, too many
 * headers, a broken chunked body): in the format of the API the path names, OpenAI's when it
 * names none.
 */
final class GatewayErrorPage implements ErrorPage {

  private static final String PREFIX = "/v1/";

  private final ProviderRoutes routes;

  GatewayErrorPage(ProviderRoutes routes) {
    this.routes = routes;
  }

  @Override
  public Page render(String uri, int status, String message) {
    if (uri != null && uri.startsWith(TokenEndpointHandler.PATH)) {
      // The token endpoint speaks RFC 6749's error format.
      return new Page("application/json", new JsonObject().put("error", "invalid_request")
          .put("error_description", message).encode().getBytes(StandardCharsets.UTF_8), Map.of());
    }
    ApiErrorFormat format = routes.errorFormat(providerOf(uri));
    GatewayError error = new GatewayError(ErrorKind.fromStatus(status), message, null);
    return new Page(format.contentType(), format.body(error).getBytes(), format.headers(error));
  }

  /** Answers {@code request} with this page and closes the connection after it. */
  void answer(HttpServerRequest request, int status, String message) {
    request.response().putHeader("connection", "close");
    send(request, status, message);
  }

  /** Answers {@code request} with this page; the connection stays open when it may. */
  void send(HttpServerRequest request, int status, String message) {
    Page page = render(request.uri(), status, message);
    HttpServerResponse response = request.response().setStatusCode(status)
        .putHeader("content-type", page.contentType());
    page.headers().forEach(response::putHeader);
    response.end(Buffer.buffer(page.body()));
  }

  /**
   * The provider the request's path names, read as vertx-web routes it: without the query, dot
   * segments removed ({@code /x/../v1/cohere/...} is Cohere's), or {@code null}.
   */
  static String providerOf(String uri) {
    if (uri == null) {
      return null;
    }
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    try {
      // As vertx-web normalizes it before routing, so a refusal names the API routing would pick.
      path = RFC3986.normalizePath(path);
    } catch (RuntimeException malformedEscape) {
      path = RFC3986.removeDotSegments(path);
    }
    if (path == null || !path.startsWith(PREFIX)) {
      return null;
    }
    int end = PREFIX.length();
    while (end < path.length() && "/;#".indexOf(path.charAt(end)) < 0) {
      end++;
    }
    return path.substring(PREFIX.length(), end);
  }
}
