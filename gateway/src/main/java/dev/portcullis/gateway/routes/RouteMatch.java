package dev.portcullis.gateway.routes;

import dev.portcullis.common.provider.ProviderRoute;

import java.util.List;
import java.util.Map;

/** The outcome of matching a request path against the route table. */
public sealed interface RouteMatch {

  /**
   * A route matched; {@code upstreamPath} is the path to call below the provider's base URL and
   * {@code params} the template's captured segments (still percent-encoded).
   */
  record Found(ProviderRoute route, String proxyId, String upstreamPath, Map<String, String> params)
      implements RouteMatch {}

  /** The path exists for other methods. */
  record WrongMethod(String provider, List<String> allowed) implements RouteMatch {}

  /** No such path, or no such provider. */
  record Missing(String provider) implements RouteMatch {}
}
