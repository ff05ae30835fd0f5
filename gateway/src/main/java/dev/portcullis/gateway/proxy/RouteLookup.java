package dev.portcullis.gateway.proxy;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.format.ApiErrorFormat;
import dev.portcullis.gateway.routes.ProviderRoutes;
import dev.portcullis.gateway.routes.RouteMatch;
import java.util.List;

/**
 * Which route a request path {@code /v1/<provider>[/<llm-proxy-id>]/...} is, or the 404 / 405 it
 * gets when it is none: decided from the method and path alone, so a request on an unknown path
 * is refused before its body is read.
 */
final class RouteLookup {

  /** What the access log names a call whose provider is not known. */
  static final String UNKNOWN_PROVIDER = "unknown";
  private static final String PREFIX = "/v1/";

  private final ProviderRoutes routes;

  RouteLookup(ProviderRoutes routes) {
    this.routes = routes;
  }

  /** The outcome of a lookup. */
  sealed interface Result {}

  /** A route matched. */
  record Matched(RouteMatch.Found found) implements Result {}

  /**
   * No route matched: the error to answer, in {@code format}, the provider to record it under, and
   * the methods the path does take ({@code Allow}; empty unless the method was wrong).
   */
  record Refused(String provider, ApiErrorFormat format, GatewayError error, List<String> allowed)
      implements Result {}

  /** The error format of a provider's routes (OpenAI's when the provider is not known). */
  ApiErrorFormat errorFormat(String provider) {
    return routes.errorFormat(provider);
  }

  Result lookup(String method, String path) {
    if (!path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
      return refused(UNKNOWN_PROVIDER, GatewayError.notFound("Unknown path " + path
          + ". Provider routes look like /v1/<provider>[/<llm-proxy-id>]/..."), List.of());
    }
    String afterPrefix = path.substring(PREFIX.length());
    int slash = afterPrefix.indexOf('/');
    String provider = slash < 0 ? afterPrefix : afterPrefix.substring(0, slash);
    String rest = slash < 0 ? "" : afterPrefix.substring(slash);
    RouteMatch match = routes.match(provider, method, rest);
    if (match instanceof RouteMatch.Found found) {
      return new Matched(found);
    }
    if (match instanceof RouteMatch.WrongMethod wrong) {
      return refused(provider, GatewayError.of(ErrorKind.METHOD_NOT_ALLOWED, "Method " + method + " is not allowed on "
          + path + ". Allowed: " + String.join(", ", wrong.allowed()) + "."), wrong.allowed());
    }
    if (routes.knows(provider)) {
      return refused(provider, GatewayError.notFound("Unknown path " + path + " for provider " + provider + "."),
          List.of());
    }
    return refused(UNKNOWN_PROVIDER, GatewayError.notFound("Unknown provider in path " + path
        + ". Routes look like /v1/<provider>[/<llm-proxy-id>]/..."), List.of());
  }

  private Refused refused(String provider, GatewayError error, List<String> allowed) {
    return new Refused(provider, routes.errorFormat(provider), error, allowed);
  }
}
