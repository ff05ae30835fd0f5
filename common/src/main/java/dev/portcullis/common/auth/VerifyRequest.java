package dev.portcullis.common.auth;

/**
 * Asks auth-service ({@code portcullis.auth.verify}) who a virtual key belongs to. The answer is a
 * {@link Principal} or a {@link dev.portcullis.common.error.GatewayError}.
 *
 * @param credential    the raw {@code pc-vk-...} key the client sent
 * @param clientAddress the client's address, for the failed-lookup limiter
 */
public record VerifyRequest(String credential, String clientAddress) {

  @Override
  public String toString() {
    return "VerifyRequest[credential=<redacted>, clientAddress=" + clientAddress + "]";
  }
}
