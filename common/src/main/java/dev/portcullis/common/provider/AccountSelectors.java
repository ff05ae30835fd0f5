package dev.portcullis.common.provider;

import dev.portcullis.common.http.QueryParameters;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What, besides the key itself, picks an upstream account, project, tenant or billing target in
 * one provider's API: request headers ({@code OpenAI-Organization}), query parameters
 * ({@code ?key=}), and the response headers that name the account a key belongs to
 * ({@code anthropic-organization-id}). Each provider declares its own list where its facts live
 * (its spec or config); {@link ProviderVerticle} applies it to every call that carries a
 * credential of Portcullis' own, so a caller can neither bill someone else's project with our key
 * nor learn which organisation the key belongs to. Passthrough calls are left alone: there the
 * caller's own key picks its own account.
 *
 * <p>A header name ending in {@code *} is a prefix ({@code x-amz-*}). Names ignore case; query
 * parameter names are matched as the upstream decodes them ({@link QueryParameters}).
 */
public record AccountSelectors(List<String> requestHeaders, List<String> queryParameters,
    List<String> responseHeaders) {

  /** A provider with no account selector beyond its key. */
  public static final AccountSelectors NONE = new AccountSelectors(List.of(), List.of(), List.of());

  public AccountSelectors {
    requestHeaders = lower(requestHeaders);
    queryParameters = List.copyOf(queryParameters);
    responseHeaders = lower(responseHeaders);
  }

  public static AccountSelectors requestHeaders(String... names) {
    return new AccountSelectors(List.of(names), List.of(), List.of());
  }

  public AccountSelectors andRequestHeaders(String... names) {
    return new AccountSelectors(concat(requestHeaders, names), queryParameters, responseHeaders);
  }

  public AccountSelectors andQueryParameters(String... names) {
    return new AccountSelectors(requestHeaders, concat(queryParameters, names), responseHeaders);
  }

  public AccountSelectors andResponseHeaders(String... names) {
    return new AccountSelectors(requestHeaders, queryParameters, concat(responseHeaders, names));
  }

  /** A copy of the client's headers without the selectors; the original (shared with the gateway) is untouched. */
  public MultiMap withoutRequestSelectors(MultiMap clientHeaders) {
    return copyWithout(clientHeaders, requestHeaders);
  }

  /** The raw query without the selector parameters, or {@code null} when nothing is left. */
  public String withoutQuerySelectors(String rawQuery) {
    return queryParameters.isEmpty() ? rawQuery : QueryParameters.without(rawQuery, queryParameters);
  }

  /** A copy of the upstream's response headers without those that name the account. */
  public MultiMap withoutResponseSelectors(MultiMap upstreamHeaders) {
    return copyWithout(upstreamHeaders, responseHeaders);
  }

  private static MultiMap copyWithout(MultiMap headers, List<String> names) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(header -> {
      if (!matches(names, header.getKey().toLowerCase(Locale.ROOT))) {
        copy.add(header.getKey(), header.getValue());
      }
    });
    return copy;
  }

  private static boolean matches(List<String> names, String lowerName) {
    for (String name : names) {
      if (name.endsWith("*") ? lowerName.startsWith(name.substring(0, name.length() - 1)) : lowerName.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }

  private static List<String> concat(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }
}
