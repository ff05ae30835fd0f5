package dev.portcullis.provider;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;

/**
 * The 401s and 403s about credentials that a provider verticle answers itself. None quotes the
 * upstream or any key: they are shown to clients and logged.
 */
public final class CredentialRefusal {

  private CredentialRefusal() {}

  /**
   * The upstream refused (401/403) a credential Portcullis supplied: a stored provider key or the
   * server-side identity. The upstream's own body and headers are not relayed, since they may quote
   * part of the key or name its organisation or project; the status is kept.
   */
  public static GatewayError upstream(String provider, int status) {
    return GatewayError.of(status == 403 ? ErrorKind.PERMISSION : ErrorKind.AUTHENTICATION,
        "The " + provider + " provider refused the credential Portcullis holds for this key (upstream HTTP "
            + status + "). This is not about what you sent: an administrator should check the " + provider
            + " provider key (or server-side identity) configured in Portcullis.");
  }

  /**
   * A passthrough call (the caller's own key, or none) asked for something only Portcullis'
   * server-side identity can do ({@code identity}: "its Vertex AI service account", ...). Portcullis
   * lends that identity only to its own virtual keys and access tokens, or to keyless callers from
   * a trusted network, and the gateway says which by sending a resolved credential.
   */
  public static GatewayError passthroughCannotUse(String provider, String identity) {
    return GatewayError.of(ErrorKind.AUTHENTICATION, "Portcullis does not use " + identity + " for a call that "
        + "carries the caller's own " + provider + " key. Send a Portcullis virtual key (pc-vk-...) or an access "
        + "token from /api/auth/oauth2/token as your key, or call without a key from a trusted network.");
  }
}
