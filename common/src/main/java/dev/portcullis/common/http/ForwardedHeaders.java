package dev.portcullis.common.http;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 section 7.6.1) belong to one
 * connection and never cross; so do the headers a proxy must set itself ({@code host},
 * {@code content-length}) and a few that would leak the client's network or make the upstream
 * compress what we need to read. Everything else, {@code OpenAI-Organization},
 * {@code anthropic-version} and the client's own key included, is forwarded as it came.
 */
public final class ForwardedHeaders {

  private static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
      "trailer", "transfer-encoding", "upgrade", "http2-settings");

  /** Request headers Portcullis sets or drops on the way upstream. */
  private static final Set<String> NOT_UPSTREAM = Set.of(
      "host", "content-length", "expect", "cookie",
      // Usage is read from the answer, so it must come uncompressed.
      "accept-encoding",
      // The client's network is none of the provider's business.
      "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip",
      // Portcullis' own: how many times the caller lets it try.
      "x-portcullis-max-retries");

  /** Response headers that describe the upstream's connection or site, not the answer. */
  private static final Set<String> NOT_DOWNSTREAM = Set.of(
      "content-length", "content-encoding", "set-cookie", "alt-svc");

  private ForwardedHeaders() {}

  /** The client's headers that may go upstream, as a new map. */
  public static MultiMap upstream(MultiMap clientHeaders) {
    return copyWithout(clientHeaders, NOT_UPSTREAM);
  }

  /** The upstream's response headers that go back to the client, as a new map. */
  public static MultiMap downstream(MultiMap upstreamHeaders) {
    return copyWithout(upstreamHeaders, NOT_DOWNSTREAM);
  }

  private static MultiMap copyWithout(MultiMap headers, Set<String> excluded) {
    Set<String> named = connectionTokens(headers);
    MultiMap copy = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(entry -> {
      String name = entry.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !excluded.contains(name) && !named.contains(name) && !name.startsWith(":")) {
        copy.add(entry.getKey(), entry.getValue());
      }
    });
    return copy;
  }

  /** Headers named in {@code Connection} are hop-by-hop too. */
  private static Set<String> connectionTokens(MultiMap headers) {
    Set<String> tokens = new HashSet<>();
    for (String value : headers.getAll("connection")) {
      for (String token : value.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          tokens.add(t);
        }
      }
    }
    return tokens;
  }
}
