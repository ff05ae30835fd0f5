package dev.portcullis.gateway;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.http.ErrorPage;
import dev.portcullis.gateway.errors.ApiErrorFormat;
import dev.portcullis.gateway.routes.ProviderRoutes;

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
    ApiErrorFormat format = routes.errorFormat(providerOf(uri));
    GatewayError error = new GatewayError(ErrorKind.fromStatus(status), message, null);
    return new Page(format.contentType(), format.body(error).getBytes(), format.headers(error));
  }

  private static String providerOf(String uri) {
    if (uri == null || !uri.startsWith(PREFIX)) {
      return null;
    }
    int end = PREFIX.length();
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    return uri.substring(PREFIX.length(), end);
  }
}
