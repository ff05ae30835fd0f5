package dev.portcullis.provider.bedrock;

import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.provider.CredentialRefusal;
import dev.portcullis.provider.sign.SigV4RequestSigner;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Clock;
import java.util.Locale;

/**
 * How a Bedrock call authenticates upstream, runtime and control plane alike:
 *
 * <ul>
 *   <li>a stored key ({@link UpstreamCredential#apiKey}) goes as {@code Authorization: Bearer};
 *   <li>a server-side caller gets SigV4 when IAM authentication, Bedrock's server identity, is on
 *       ({@code ARCHESTRA_BEDROCK_IAM_AUTH_ENABLED=true}), else the default key
 *       ({@code ARCHESTRA_CHAT_BEDROCK_API_KEY}) as a bearer;
 *   <li>a passthrough caller's own Bedrock API key ({@code Authorization: Bearer}) goes as it came;
 *       a passthrough call without one is refused: the server's AWS identity is only for callers the
 *       gateway resolved (a virtual key, an access token, a keyless caller from a trusted network);
 *   <li>a caller's own SigV4 signature cannot be forwarded: it signs Portcullis' host and path, so
 *       Bedrock would refuse it. That is a 401 that says what to send instead.
 * </ul>
 */
final class BedrockAuthentication {

  private static final String SIGV4_PREFIX = "AWS4-HMAC-SHA256";

  private final String defaultKey;
  private final AwsCredentialsSource credentials;
  private final SigV4RequestSigner signer;

  /** With {@code credentials} {@code null}, IAM authentication is off. */
  BedrockAuthentication(String defaultKey, AwsCredentialsSource credentials, String region, Clock clock) {
    this.defaultKey = defaultKey;
    this.credentials = credentials;
    this.signer = credentials == null ? null : new SigV4RequestSigner(region, clock);
  }

  /**
   * The headers to send: the client's forwarded headers with the upstream authentication applied.
   * Never changes {@code clientHeaders}, which the gateway may share.
   */
  Future<MultiMap> headersFor(UpstreamCredential credential, String method, String url, MultiMap clientHeaders,
      Buffer body) {
    if (credential != null && credential.hasApiKey()) {
      return Future.succeededFuture(bearer(clientHeaders, credential.apiKey(), credential));
    }
    if (credential != null && credential.serverSide()) {
      if (credentials != null) {
        return signed(method, url, clientHeaders, body);
      }
      if (defaultKey != null) {
        return Future.succeededFuture(bearer(clientHeaders, defaultKey, credential));
      }
      return failure("No server-side Bedrock identity is configured: set "
          + NativeProviders.BEDROCK.defaultKeySetting() + ", or " + NativeProviders.BEDROCK.serverIdentity().setting()
          + "=true to sign with the AWS credentials chain.");
    }
    String authorization = clientHeaders.get("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, SIGV4_PREFIX, 0, SIGV4_PREFIX.length())) {
      return failure("Portcullis cannot forward your own AWS SigV4 signature: it signs Portcullis' host, not "
          + "Bedrock's. Authenticate with a Bedrock API key (Authorization: Bearer <key>, the AWS SDKs' "
          + "AWS_BEARER_TOKEN_BEDROCK) or with a Portcullis virtual key instead.");
    }
    if (authorization != null && authorization.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
      return Future.succeededFuture(clientHeaders);
    }
    if (credentials != null) {
      // Passthrough without a key of its own: signing it would lend the server's AWS identity.
      return Future.failedFuture(CredentialRefusal.passthroughCannotUse(NativeProviders.BEDROCK.name(),
          "its AWS identity (Bedrock IAM authentication)").toException());
    }
    return failure("Send a Bedrock API key as Authorization: Bearer <key> (the AWS SDKs' AWS_BEARER_TOKEN_BEDROCK) "
        + "or a Portcullis virtual key.");
  }

  private static MultiMap bearer(MultiMap clientHeaders, String key, UpstreamCredential credential) {
    MultiMap headers = withoutClientAuthentication(clientHeaders);
    headers.set("Authorization", "Bearer " + key);
    credential.extraHeaders().forEach(headers::set);
    return headers;
  }

  private Future<MultiMap> signed(String method, String url, MultiMap clientHeaders, Buffer body) {
    return credentials.credentials().map(identity -> {
      MultiMap headers = withoutClientAuthentication(clientHeaders);
      signer.sign(method, URI.create(url), headers, body, identity).forEach((name, value) -> {
        // Vert.x sends the URL's authority as Host, which is what the signer signed.
        if (!name.equalsIgnoreCase("Host")) {
          headers.set(name, value);
        }
      });
      return headers;
    });
  }

  /** A copy without the client's key or the parts of a client signature. */
  private static MultiMap withoutClientAuthentication(MultiMap clientHeaders) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    clientHeaders.forEach(header -> {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!name.equals("authorization") && !name.equals("x-amz-date") && !name.equals("x-amz-security-token")
          && !name.equals("x-amz-content-sha256")) {
        headers.add(header.getKey(), header.getValue());
      }
    });
    return headers;
  }

  private static Future<MultiMap> failure(String message) {
    return Future.failedFuture(GatewayError.of(ErrorKind.AUTHENTICATION, message).toException());
  }
}
