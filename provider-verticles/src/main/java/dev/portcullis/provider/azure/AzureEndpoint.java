package dev.portcullis.provider.azure;

import java.net.URI;
import java.util.Locale;

/**
 * An Azure OpenAI base URL and the surface it addresses: a classic resource URL
 * ({@code https://<resource>.openai.azure.com/openai}: deployments in the path, a dated
 * {@code api-version}) or a Foundry v1 URL ({@code .../openai/v1}: OpenAI's own paths, no
 * api-version). A deployment-specific URL is refused, since one endpoint serves every deployment
 * and the request's {@code model} names the deployment.
 */
public record AzureEndpoint(String baseUrl, Kind kind) {

  public enum Kind {
    /** {@code /openai}: {@code /deployments/{d}/chat/completions?api-version=}, Entra scope Cognitive Services. */
    CLASSIC("https://cognitiveservices.azure.com/.default"),
    /** {@code /openai/v1}: OpenAI's paths, Entra scope Azure AI. */
    FOUNDRY_V1("https://ai.azure.com/.default");

    private final String entraScope;

    Kind(String entraScope) {
      this.entraScope = entraScope;
    }

    public String entraScope() {
      return entraScope;
    }
  }

  /** Classifies a base URL (already validated as http(s), without a trailing slash). */
  public static AzureEndpoint of(String baseUrl) {
    String path = URI.create(baseUrl).getRawPath();
    String lower = path == null ? "" : path.toLowerCase(Locale.ROOT);
    int deployments = lower.indexOf("/deployments");
    if (deployments >= 0) {
      String resource = baseUrl.substring(0, baseUrl.length() - path.length() + deployments);
      throw new IllegalArgumentException("'" + baseUrl + "' is a deployment-specific URL. Use the resource URL "
          + resource + " (the form https://<resource-name>.openai.azure.com/openai) and name the deployment in the "
          + "request's model field, or a Foundry v1 URL such as https://<resource-name>.services.ai.azure.com/openai/v1.");
    }
    return new AzureEndpoint(baseUrl, lower.endsWith("/v1") ? Kind.FOUNDRY_V1 : Kind.CLASSIC);
  }

  public String entraScope() {
    return kind.entraScope();
  }
}
