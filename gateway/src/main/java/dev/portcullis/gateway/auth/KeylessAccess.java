package dev.portcullis.gateway.auth;

import dev.portcullis.common.net.NetworkRanges;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.provider.ServerIdentity;
import dev.portcullis.common.settings.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who may use a provider's server-side identity without a Portcullis credential (SECURITY.md,
 * "Server identities"). A server-side identity is what Portcullis itself holds for a provider, as
 * its descriptor declares it ({@link ProviderDescriptor#serverIdentity()}): Vertex AI's Application
 * Default Credentials, Bedrock's IAM identity, the Entra ID identity of Azure OpenAI or Claude on
 * Foundry, or the gateway's own network position in front of a keyless Ollama or vLLM. It is used
 * only for a resolved virtual key or access token, or for a caller from a trusted network
 * ({@value #TRUSTED_NETWORKS}, loopback by default), or for anyone when {@value #ALLOW_ANONYMOUS}
 * is on.
 *
 * <p>A key the caller sends that is not ours is passthrough, and passthrough never borrows a
 * server identity: where the provider would answer a made-up key with the server's identity (a
 * keyless Ollama or vLLM ignores keys), or where a caller's own key means nothing (Gemini API keys
 * in Vertex AI mode), a passthrough call is held to the same rule as a call without a key, or
 * refused ({@link ServerIdentity.Passthrough}).
 */
public final class KeylessAccess {

  public static final String ALLOW_ANONYMOUS = "PORTCULLIS_ALLOW_ANONYMOUS";
  public static final String TRUSTED_NETWORKS = "PORTCULLIS_TRUSTED_NETWORKS";
  /** This host only: not all of 127/8, where sidecars such as Istio's 127.0.0.6 forward other hosts' calls. */
  public static final String DEFAULT_TRUSTED_NETWORKS = "127.0.0.1/32,::1/128";

  /** Provider -> the server-side identity it has in this deployment (its setting is on, or it needs none). */
  private final Map<String, ServerIdentity> serverIdentities;
  private final NetworkRanges trustedNetworks;
  private final boolean allowAnonymous;

  public KeylessAccess(Settings settings) {
    Map<String, ServerIdentity> identities = new LinkedHashMap<>();
    for (ProviderDescriptor provider : Providers.all()) {
      ServerIdentity identity = provider.serverIdentity();
      if (identity != null && identity.enabledIn(settings)) {
        identities.put(provider.name(), identity);
      }
    }
    this.serverIdentities = Map.copyOf(identities);
    this.trustedNetworks = NetworkRanges.fromSetting(settings, TRUSTED_NETWORKS, DEFAULT_TRUSTED_NETWORKS);
    this.allowAnonymous = settings.bool(ALLOW_ANONYMOUS, false);
  }

  public boolean providerIsKeyless(String provider) {
    return serverIdentities.containsKey(provider);
  }

  /** Whether the client address (the peer, or the forwarded client behind a trusted proxy) is in a trusted network. */
  public boolean isTrusted(String clientAddress) {
    return trustedNetworks.contains(clientAddress);
  }

  /** Whether a caller without a key may use the provider's server-side identity. */
  public boolean allowsWithoutKey(String provider, String clientAddress) {
    return providerIsKeyless(provider) && (allowAnonymous || isTrusted(clientAddress));
  }

  /**
   * Why a caller's own (passthrough) key may not be used on this provider, or {@code null} when it
   * may: by the provider's server identity, when it has one in this deployment.
   */
  public String refusePassthrough(String provider, String clientAddress) {
    ServerIdentity identity = serverIdentities.get(provider);
    if (identity == null) {
      return null;
    }
    return switch (identity.passthrough()) {
      case CALLERS_KEY_USED -> null;
      case REFUSED -> identity.refusal() + " Send a Portcullis virtual key (pc-vk-...) or an access token from "
          + "/api/auth/oauth2/token, or call without a key from a trusted network (" + TRUSTED_NETWORKS + ").";
      case HELD_TO_KEYLESS_RULE -> allowsWithoutKey(provider, clientAddress) ? null
          : "The " + provider + " server behind this gateway takes calls with Portcullis' own identity, which "
              + "only trusted networks (" + TRUSTED_NETWORKS + ") may use with their own key or none. Send a "
              + "Portcullis virtual key (pc-vk-...) or an access token from /api/auth/oauth2/token.";
    };
  }

  /** The 401 message for a caller without a key, saying what to send instead. */
  public String missingKeyMessage(String provider) {
    ServerIdentity identity = serverIdentities.get(provider);
    if (identity != null) {
      return "No API key was sent. Calls without a key use Portcullis' " + identity.description() + ", which only "
          + "trusted networks (" + TRUSTED_NETWORKS + ") may do unless " + ALLOW_ANONYMOUS + "=true. Send a "
          + "Portcullis virtual key (pc-vk-...) or an access token from /api/auth/oauth2/token.";
    }
    return "No API key was sent. Pass your " + provider + " API key, a Portcullis virtual key (pc-vk-...) or an "
        + "access token from /api/auth/oauth2/token.";
  }
}
