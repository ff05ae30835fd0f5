package dev.portcullis.provider.bedrock;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Bedrock lives: the runtime base URL ({@code ARCHESTRA_BEDROCK_BASE_URL}, which enables
 * Bedrock), the control plane derived from it ({@code bedrock-runtime.X} becomes {@code bedrock.X};
 * a host of another shape, such as a VPC endpoint or a test double, serves both), and the signing
 * region ({@code ARCHESTRA_BEDROCK_REGION}, else read from the runtime host).
 *
 * @param runtimeUrl      the runtime base URL, without a trailing slash
 * @param controlPlaneUrl the control-plane base URL (ListInferenceProfiles)
 * @param region          the AWS region, or {@code null} when neither set nor in the host
 */
public record BedrockEndpoint(String runtimeUrl, String controlPlaneUrl, String region) {

  public static final String BASE_URL = "ARCHESTRA_BEDROCK_BASE_URL";
  public static final String REGION = "ARCHESTRA_BEDROCK_REGION";

  private static final Pattern RUNTIME_HOST = Pattern.compile("bedrock-runtime(-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");

  /** The endpoint, or {@code null} when {@code ARCHESTRA_BEDROCK_BASE_URL} is unset (Bedrock is off). */
  public static BedrockEndpoint from(Settings settings) {
    String runtime = settings.url(BASE_URL, null);
    if (runtime == null) {
      return null;
    }
    URI uri = URI.create(runtime);
    Matcher aws = RUNTIME_HOST.matcher(uri.getHost());
    String controlPlane = runtime;
    String regionFromHost = null;
    if (aws.matches()) {
      regionFromHost = aws.group(2);
      controlPlane = runtime.replaceFirst("bedrock-runtime", "bedrock");
    }
    String region = settings.string(REGION, regionFromHost);
    if (region != null && !region.matches("[a-z0-9-]+")) {
      throw new SettingsException(REGION, "expected an AWS region such as us-east-1, got '" + region + "'");
    }
    return new BedrockEndpoint(runtime, controlPlane, region);
  }

  /** The signing region, or a configuration error naming the setting that would supply it. */
  public String requireRegion() {
    if (region == null) {
      throw new SettingsException(REGION, "required for IAM authentication when " + BASE_URL
          + " is not a bedrock-runtime.<region>.amazonaws.com URL");
    }
    return region;
  }
}
