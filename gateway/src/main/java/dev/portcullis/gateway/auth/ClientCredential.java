package dev.portcullis.gateway.auth;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.http.QueryParameters;
import dev.portcullis.common.provider.Providers;
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

  /**
   * Headers that may carry a client credential, across every API served (each provider's
   * descriptor names its own); removed before a resolved call goes upstream.
   */
  public static final List<String> HEADERS = Providers.clientKeyHeaders();
  public static final String QUERY_PARAM = "key";
  private static final String VIRTUAL_KEY_PREFIX = "pc-vk-";

  private ClientCredential() {}

  /**
   * The credential the client presented, or {@code null}. Every place a credential can hide is
   * read, each header's every value and every {@code key} parameter however it is spelled: a
   * request that carries two different credentials is refused with a 401, since whichever one
   * Portcullis resolved, the other would travel upstream beside it (a virtual key behind a junk
   * key, say, forwarded as if it were the caller's own).
   *
   * @throws GatewayException 401 when the request carries differing credentials
   */
  public static String of(HttpServerRequest request) {
    String found = null;
    for (String header : HEADERS) {
      for (String value : request.headers().getAll(header)) {
        found = same(found, header.equals("authorization") ? withoutBearer(value) : value.trim());
      }
    }
    for (String value : QueryParameters.values(request.query(), QUERY_PARAM)) {
      found = same(found, value.trim());
    }
    return found;
  }

  /** The token of {@code Bearer <token>} (any case, any whitespace), else the whole value. */
  private static String withoutBearer(String authorization) {
    String trimmed = authorization.trim();
    if (trimmed.length() > 7 && trimmed.regionMatches(true, 0, "Bearer", 0, 6)
        && Character.isWhitespace(trimmed.charAt(6))) {
      return trimmed.substring(7).trim();
    }
    return trimmed;
  }

  private static String same(String found, String candidate) {
    if (candidate.isEmpty() || candidate.equals(found)) {
      return found;
    }
    if (!candidate.startsWith(VIRTUAL_KEY_PREFIX) && candidate.contains(VIRTUAL_KEY_PREFIX)) {
      // Passed through as the caller's own key, it would carry a virtual key upstream.
      throw GatewayError.of(ErrorKind.AUTHENTICATION, "A Portcullis virtual key must be sent alone, as "
          + "'Authorization: Bearer pc-vk-...' or in the API's own key header.").toException();
    }
    if (found != null) {
      throw GatewayError.of(ErrorKind.AUTHENTICATION, "The request carries more than one credential (in "
          + "Authorization, x-api-key, x-goog-api-key, api-key or the key query parameter) and they differ. "
          + "Send exactly one.").toException();
    }
    return candidate;
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
