package dev.portcullis.gateway.auth;

import dev.portcullis.common.http.QueryParameters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * Where a client puts its key, across the APIs Portcullis serves: {@code Authorization: Bearer}
 * (OpenAI and its kin, Cohere, Bedrock API keys, Anthropic OAuth), {@code x-api-key} (Anthropic),
 * {@code x-goog-api-key} or {@code ?key=} (Gemini), {@code api-key} (Azure). A non-Bearer
 * {@code Authorization} (a SigV4 signature, say) is returned whole: it is the client's own.
 */
public final class ClientCredential {

  /** Headers that may carry a client credential; removed before a resolved call goes upstream. */
  public static final List<String> HEADERS = List.of("authorization", "x-api-key", "x-goog-api-key", "api-key");
  public static final String QUERY_PARAM = "key";

  private ClientCredential() {}

  /** The credential the client presented, or {@code null}. */
  public static String of(HttpServerRequest request) {
    String authorization = request.getHeader("authorization");
    if (authorization != null && !authorization.isBlank()) {
      String trimmed = authorization.trim();
      return trimmed.regionMatches(true, 0, "Bearer ", 0, 7) ? trimmed.substring(7).trim() : trimmed;
    }
    for (String header : HEADERS.subList(1, HEADERS.size())) {
      String value = request.getHeader(header);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    String key = request.getParam(QUERY_PARAM);
    return key == null || key.isBlank() ? null : key.trim();
  }

  /** Removes every place a client credential can hide, so a virtual key never leaves Portcullis. */
  public static void strip(MultiMap forwardedHeaders) {
    HEADERS.forEach(forwardedHeaders::remove);
  }

  /**
   * The raw query without the {@code key} parameter in any spelling the upstream would decode to it
   * ({@code KEY}, {@code %6Bey}), or {@code null} when nothing is left.
   */
  public static String queryWithoutKey(String rawQuery) {
    return QueryParameters.without(rawQuery, List.of(QUERY_PARAM));
  }
}
