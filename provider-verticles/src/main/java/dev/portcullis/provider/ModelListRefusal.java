package dev.portcullis.provider;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;

/**
 * The error a client gets when an upstream refuses to list its models. The upstream's own body is
 * not repeated: some echo part of the key they were given.
 */
public final class ModelListRefusal {

  private ModelListRefusal() {}

  public static GatewayError of(String provider, String url, int status, String baseUrlHint) {
    String where = "the upstream " + provider + " at " + UpstreamCall.hostOf(url);
    String advice = switch (status) {
      case 401, 403 -> " Check the API key used for " + provider + ".";
      case 404 -> " Check that the base URL is the API root (" + baseUrlHint + ").";
      case 429 -> " The upstream is rate limiting: retry later.";
      default -> "";
    };
    ErrorKind kind = status >= 500 ? ErrorKind.UPSTREAM_UNREACHABLE : ErrorKind.fromStatus(status);
    return GatewayError.of(kind, "Could not list the models of " + provider + ": " + where + " answered HTTP "
        + status + "." + advice);
  }
}
