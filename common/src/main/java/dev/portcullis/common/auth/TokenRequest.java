package dev.portcullis.common.auth;

import java.util.Map;

/**
 * One call of the OAuth token endpoint, forwarded by the gateway to {@code portcullis.auth.token}.
 *
 * @param form          the decoded {@code application/x-www-form-urlencoded} fields (first value of each)
 * @param authorization the {@code Authorization} header as sent, or {@code null}
 * @param clientAddress the caller's address
 */
public record TokenRequest(Map<String, String> form, String authorization, String clientAddress) {

  public TokenRequest {
    form = form == null ? Map.of() : Map.copyOf(form);
  }

  @Override
  public String toString() {
    // The form holds client_secret and the header may hold Basic credentials.
    return "TokenRequest[fields=" + form.keySet() + ", authorization=" + (authorization == null ? "none" : "<redacted>")
        + ", clientAddress=" + clientAddress + "]";
  }
}
