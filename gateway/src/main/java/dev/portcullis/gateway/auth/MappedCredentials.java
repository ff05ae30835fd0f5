package dev.portcullis.gateway.auth;

import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.bus.UpstreamCredential;
import java.util.List;
import java.util.Map;

/**
 * Every provider credential a virtual key or OAuth client may use on one LLM proxy, for the model
 * router, whose calls name the provider in the body (and whose model list spans them all).
 *
 * @param principalId the virtual key's or OAuth client's id
 * @param principalKind whether it is a virtual key or an OAuth client
 * @param owner       {@code virtual key} or {@code OAuth client}, for messages
 * @param proxyId     the LLM proxy the caller may use
 * @param credentials the upstream credentials by provider name (one or more keys each)
 */
public record MappedCredentials(String principalId, Principal.Kind principalKind, String owner, String proxyId,
    Map<String, List<UpstreamCredential>> credentials) {

  public MappedCredentials {
    credentials = Map.copyOf(credentials);
  }

  @Override
  public String toString() {
    return "MappedCredentials[" + principalId + " " + proxyId + " " + credentials.keySet() + "]";
  }
}
