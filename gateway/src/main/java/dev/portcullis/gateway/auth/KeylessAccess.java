package dev.portcullis.gateway.auth;

import dev.portcullis.common.config.Settings;
import java.util.HashSet;
import java.util.Set;

/**
 * Which callers may use a provider without any key of their own (DESIGN.md, "Credentials"): only
 * where the seed says no client key is needed (Ollama, vLLM, Vertex AI, Bedrock IAM, Azure and
 * Claude-on-Foundry Entra ID), and then only from loopback unless
 * {@code PORTCULLIS_ALLOW_ANONYMOUS=true}.
 */
public final class KeylessAccess {

  public static final String ALLOW_ANONYMOUS = "PORTCULLIS_ALLOW_ANONYMOUS";

  private final Set<String> keylessProviders;
  private final boolean allowAnonymous;

  public KeylessAccess(Settings settings) {
    Set<String> providers = new HashSet<>(Set.of("ollama", "vllm"));
    if (settings.bool("ARCHESTRA_GEMINI_VERTEX_AI_ENABLED", false)) {
      providers.add("gemini");
    }
    if (settings.bool("ARCHESTRA_BEDROCK_IAM_AUTH_ENABLED", false)) {
      providers.add("bedrock");
    }
    if (settings.bool("ARCHESTRA_AZURE_OPENAI_ENTRA_ID_ENABLED", false)) {
      providers.add("azure");
    }
    if (settings.bool("ARCHESTRA_ANTHROPIC_AZURE_FOUNDRY_ENTRA_ID_ENABLED", false)) {
      providers.add("anthropic");
    }
    this.keylessProviders = Set.copyOf(providers);
    this.allowAnonymous = settings.bool(ALLOW_ANONYMOUS, false);
  }

  public boolean providerIsKeyless(String provider) {
    return keylessProviders.contains(provider);
  }

  /** Whether a caller without a key may use the provider's server-side identity. */
  public boolean allows(String provider, boolean fromLoopback) {
    return keylessProviders.contains(provider) && (fromLoopback || allowAnonymous);
  }
}
