package dev.portcullis.common.provider;

import dev.portcullis.common.settings.Settings;

/**
 * An identity Portcullis itself holds for a provider and uses for calls that bring no provider key
 * of their own: Vertex AI's Application Default Credentials, Bedrock's IAM identity, an Entra ID
 * identity, or the gateway's own network position in front of a keyless self-hosted server.
 *
 * @param setting     the boolean setting that turns it on, or {@code null} when it is always on
 *                    (a keyless Ollama or vLLM server checks no key)
 * @param description the identity in words, for error messages ("AWS identity (Bedrock IAM)")
 * @param passthrough what a caller's own key (passthrough) may do while the identity is on
 * @param refusal     when passthrough is {@link Passthrough#REFUSED}: why, in the words the caller gets
 */
public record ServerIdentity(String setting, String description, Passthrough passthrough, String refusal) {

  /** What a key the caller sends that is not Portcullis' own may do while the identity is on. */
  public enum Passthrough {
    /** The caller's key goes upstream and is checked there (Bedrock, Azure, Anthropic). */
    CALLERS_KEY_USED,
    /**
     * The server checks no key, so anything passed through reaches it with the gateway's network
     * identity: the call is held to the rule for calls without a key (Ollama, vLLM).
     */
    HELD_TO_KEYLESS_RULE,
    /** Caller keys mean nothing in this mode and the call could only borrow the server's identity (Vertex AI). */
    REFUSED
  }

  /** The identity of a self-hosted server that checks no key: always there. */
  public static ServerIdentity keylessServer(String description) {
    return new ServerIdentity(null, description, Passthrough.HELD_TO_KEYLESS_RULE, null);
  }

  /** An identity that is there when {@code setting} is true; callers' own keys still go upstream. */
  public static ServerIdentity when(String setting, String description) {
    return new ServerIdentity(setting, description, Passthrough.CALLERS_KEY_USED, null);
  }

  /** The same identity, in a mode where callers' own keys are not used at all; {@code why} is what they are told. */
  public ServerIdentity refusingCallersKeys(String why) {
    return new ServerIdentity(setting, description, Passthrough.REFUSED, why);
  }

  public boolean enabledIn(Settings settings) {
    return setting == null || settings.bool(setting, false);
  }
}
