package dev.portcullis.gateway.auth;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.net.NetworkRanges;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who may use a provider's server-side identity without a Portcullis credential (DESIGN.md,
 * "Credentials"; SECURITY.md). A server-side identity is what Portcullis itself holds for a
 * provider: Vertex AI's Application Default Credentials, Bedrock's IAM identity, the Entra ID
 * identity of Azure OpenAI or Claude on Foundry, or the gateway's own network position in front of
 * a keyless Ollama or vLLM. It is used only for a resolved virtual key or access token, or for a
 * caller from a trusted network ({@value #TRUSTED_NETWORKS}, loopback by default), or for anyone
 * when {@value #ALLOW_ANONYMOUS} is on.
 *
 * <p>A key the caller sends that is not ours is passthrough, and passthrough never borrows a
 * server identity: where the provider would answer a made-up key with the server's identity (a
 * keyless Ollama or vLLM ignores keys), or where a caller's own key means nothing (Gemini API keys
 * in Vertex AI mode), a passthrough call is held to the same rule as a call without a key.
 */
public final class KeylessAccess {

  public static final String ALLOW_ANONYMOUS = "PORTCULLIS_ALLOW_ANONYMOUS";
  public static final String TRUSTED_NETWORKS = "PORTCULLIS_TRUSTED_NETWORKS";
  /** This host only: not all of 127/8, where sidecars such as Istio's 127.0.0.6 forward other hosts' calls. */
  public static final String DEFAULT_TRUSTED_NETWORKS = "127.0.0.1/32,::1/128";

  /** Provider -> the server-side identity it has in this deployment, in words for error messages. */
  private final Map<String, String> serverIdentities;
  private final NetworkRanges trustedNetworks;
  private final boolean allowAnonymous;
  private final boolean vertexAi;

  public KeylessAccess(Settings settings) {
    Map<String, String> identities = new LinkedHashMap<>();
    identities.put("ollama", "keyless Ollama server");
    identities.put("vllm", "keyless vLLM server");
    vertexAi = settings.bool("ARCHESTRA_GEMINI_VERTEX_AI_ENABLED", false);
    if (vertexAi) {
      identities.put("gemini", "Google identity (Vertex AI)");
    }
    if (settings.bool("ARCHESTRA_BEDROCK_IAM_AUTH_ENABLED", false)) {
      identities.put("bedrock", "AWS identity (Bedrock IAM)");
    }
    if (settings.bool("ARCHESTRA_AZURE_OPENAI_ENTRA_ID_ENABLED", false)) {
      identities.put("azure", "Microsoft Entra ID identity");
    }
    if (settings.bool("ARCHESTRA_ANTHROPIC_AZURE_FOUNDRY_ENTRA_ID_ENABLED", false)) {
      identities.put("anthropic", "Microsoft Entra ID identity (Claude on Foundry)");
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
   * may. Ollama and vLLM usually check no key, so anything passed through reaches the server with
   * the gateway's network identity; in Vertex AI mode a Gemini API key is never sent upstream, so
   * the call could only borrow the server's Google identity.
   */
  public String refusePassthrough(String provider, String clientAddress) {
    if (vertexAi && provider.equals("gemini")) {
      return "Gemini runs on Vertex AI here with Portcullis' own Google identity, so Gemini API keys are not "
          + "used. Send a Portcullis virtual key (pc-vk-...) or an access token from /api/auth/oauth2/token, or "
          + "call without a key from a trusted network (" + TRUSTED_NETWORKS + ").";
    }
    if ((provider.equals("ollama") || provider.equals("vllm")) && !allowsWithoutKey(provider, clientAddress)) {
      return "The " + provider + " server behind this gateway takes calls with Portcullis' own identity, which "
          + "only trusted networks (" + TRUSTED_NETWORKS + ") may use with their own key or none. Send a "
          + "Portcullis virtual key (pc-vk-...) or an access token from /api/auth/oauth2/token.";
    }
    return null;
  }

  /** The 401 message for a caller without a key, saying what to send instead. */
  public String missingKeyMessage(String provider) {
    String identity = serverIdentities.get(provider);
    if (identity != null) {
      return "No API key was sent. Calls without a key use Portcullis' " + identity + ", which only trusted "
          + "networks (" + TRUSTED_NETWORKS + ") may do unless " + ALLOW_ANONYMOUS + "=true. Send a Portcullis "
          + "virtual key (pc-vk-...) or an access token from /api/auth/oauth2/token.";
    }
    return "No API key was sent. Pass your " + provider + " API key, a Portcullis virtual key (pc-vk-...) or an "
        + "access token from /api/auth/oauth2/token.";
  }
}
