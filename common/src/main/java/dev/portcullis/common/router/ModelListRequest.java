package dev.portcullis.common.router;

import dev.portcullis.common.bus.UpstreamCredential;
import java.util.Map;

/**
 * The gateway's {@code GET /v1/model-router/{id}/models}, sent to the model router: the caller's
 * whole provider mapping, because the list has a part for every provider the key may use.
 *
 * @param proxyId     the LLM proxy the call was made on
 * @param requestId   the gateway's id for this call, used in logs
 * @param credentials the upstream credential of every provider mapped on the key or OAuth client
 * @param timeoutMs   how long each provider's model listing may take
 */
public record ModelListRequest(String proxyId, String requestId, Map<String, UpstreamCredential> credentials,
    long timeoutMs) {

  public ModelListRequest {
    credentials = Map.copyOf(credentials);
  }

  @Override
  public String toString() {
    // Credentials are secrets: name the providers only.
    return "ModelListRequest[" + requestId + " " + proxyId + " " + credentials.keySet() + "]";
  }
}
