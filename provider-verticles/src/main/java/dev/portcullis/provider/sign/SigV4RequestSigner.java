package dev.portcullis.provider.sign;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs outgoing Bedrock requests (runtime and control plane) with AWS Signature Version 4, using
 * the AWS SDK's own signer so that the canonicalisation rules are AWS's, not ours.
 *
 * <p>A pure function of request, credentials, region and clock: credentials are resolved by the
 * caller (from an {@code AwsCredentialsProvider}, off the event loop, since the default chain may
 * block on files or the instance metadata service).
 *
 * <p>The URL must carry the path exactly as it will be sent, each segment percent-encoded once: a
 * model id {@code us.anthropic.claude-x-v1:0} goes as {@code /model/us.anthropic.claude-x-v1%3A0/converse}.
 * The signer encodes that path a second time for the canonical request, as AWS does for every
 * service but S3; signing an unencoded {@code :} would be rejected with 403.
 */
public final class SigV4RequestSigner {

  /** Bedrock runtime and control plane both sign with this name, whatever their host says. */
  public static final String SERVICE_SIGNING_NAME = "bedrock";

  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final String region;
  private final Clock clock;

  public SigV4RequestSigner(String region, Clock clock) {
    this.region = Objects.requireNonNull(region, "region");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Signs a request and returns the headers to add to it: {@code Authorization}, {@code X-Amz-Date},
   * {@code X-Amz-Security-Token} for session credentials, and {@code Host} (which is signed, so the
   * request must go out with exactly this value); plus {@code x-amz-content-sha256} if the SDK
   * chooses to send it.
   *
   * @param headers every header that will be sent, all of them signed; a header added or changed
   *     after signing (by a client or a proxy) invalidates the signature
   */
  public Map<String, String> sign(String method, URI url, MultiMap headers, Buffer body,
      AwsCredentialsIdentity credentials) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.fromValue(method))
        .uri(url);
    headers.forEach(header -> request.appendHeader(header.getKey(), header.getValue()));
    SdkHttpRequest unsigned = request.build();

    SignedRequest signed = signer.sign(signing -> signing
        .identity(credentials)
        .request(unsigned)
        .payload(ContentStreamProvider.fromByteArrayUnsafe(body.getBytes()))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE_SIGNING_NAME)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(HttpSigner.SIGNING_CLOCK, clock));

    return addedHeaders(unsigned.headers(), signed.request().headers());
  }

  private static Map<String, String> addedHeaders(Map<String, List<String>> before, Map<String, List<String>> after) {
    Map<String, String> added = new LinkedHashMap<>();
    after.forEach((name, values) -> {
      if (!values.equals(valuesIgnoringCase(before, name))) {
        added.put(name, String.join(",", values));
      }
    });
    return added;
  }

  private static List<String> valuesIgnoringCase(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase(name)) {
        return header.getValue();
      }
    }
    return null;
  }
}
