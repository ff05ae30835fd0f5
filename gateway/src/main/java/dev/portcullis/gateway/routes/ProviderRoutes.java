package dev.portcullis.gateway.routes;

import dev.portcullis.common.provider.PathTemplate;

import dev.portcullis.common.provider.ProviderRoute;

import dev.portcullis.common.error.format.ApiErrorFormat;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.error.format.OpenAiErrorFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The route table: every provider's paths under {@code /v1/<provider>[/{id}]}.
 * Matching is a lookup on the exact path after the optional LLM proxy id, so an unknown path is a
 * clean 404 and a known path with the wrong method a 405 that lists the allowed ones.
 */
public final class ProviderRoutes {

  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private record Entry(ProviderRoute route, PathTemplate template) {}

  private final Map<String, List<Entry>> byProvider = new LinkedHashMap<>();

  public ProviderRoutes add(ProviderRoute route) {
    byProvider.computeIfAbsent(route.provider(), p -> new ArrayList<>()).add(new Entry(route, route.template()));
    return this;
  }

  public boolean knows(String provider) {
    return byProvider.containsKey(provider);
  }

  /** The routes of one provider, in the order they were added (empty when unknown). */
  public List<ProviderRoute> routesOf(String provider) {
    return byProvider.getOrDefault(provider, List.of()).stream().map(Entry::route).toList();
  }

  /** The error format of a provider's API (its routes share one), or OpenAI's for unknown providers. */
  public ApiErrorFormat errorFormat(String provider) {
    List<Entry> routes = byProvider.get(provider);
    return routes == null ? OpenAiErrorFormat.INSTANCE : routes.get(0).route().errorFormat();
  }

  /** Every provider's routes, as their descriptors declare them, and the model router's. */
  public static ProviderRoutes standard() {
    ProviderRoutes routes = new ProviderRoutes();
    Providers.all().forEach(descriptor -> descriptor.routes().forEach(routes::add));
    ModelRouterRoutes.addTo(routes);
    return routes;
  }

  /**
   * Matches {@code rest}, the path after {@code /v1/<provider>}, which may begin with an LLM proxy
   * id ({@code /<uuid>/chat/completions}). Templates are tried in the order they were added.
   */
  public RouteMatch match(String provider, String method, String rest) {
    List<Entry> routes = byProvider.get(provider);
    if (routes == null) {
      return new RouteMatch.Missing(null);
    }
    String proxyId = null;
    String path = rest.isEmpty() ? "/" : rest;
    int next = path.indexOf('/', 1);
    String first = next < 0 ? path.substring(1) : path.substring(1, next);
    if (UUID.matcher(first).matches()) {
      proxyId = first.toLowerCase();
      path = next < 0 ? "/" : path.substring(next);
    }
    List<String> allowed = new ArrayList<>();
    for (Entry entry : routes) {
      Map<String, String> params = entry.template().match(path);
      if (params != null) {
        if (entry.route().method().equals(method)) {
          return new RouteMatch.Found(entry.route(), proxyId, path, params);
        }
        allowed.add(entry.route().method());
      }
    }
    return allowed.isEmpty() ? new RouteMatch.Missing(provider) : new RouteMatch.WrongMethod(provider, allowed);
  }
}
