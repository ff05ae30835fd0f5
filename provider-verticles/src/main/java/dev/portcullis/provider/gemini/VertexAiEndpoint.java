package dev.portcullis.provider.gemini;

import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import java.util.regex.Pattern;

/**
 * Where Gemini calls go in Vertex AI mode: a model method becomes
 * {@code {host}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{method}},
 * and the base-model list {@code {host}/v1beta1/publishers/google/models}. The host is
 * {@code https://{location}-aiplatform.googleapis.com}, or {@code https://aiplatform.googleapis.com}
 * for location {@code global}.
 *
 * @param project         the GCP project id
 * @param location        the GCP region, or {@code global}
 * @param baseUrl         the Vertex AI host URL
 * @param credentialsFile a service-account (or other) credentials JSON file; {@code null} for ADC
 */
public record VertexAiEndpoint(String project, String location, String baseUrl, String credentialsFile) {

  public static final String PROJECT = "ARCHESTRA_GEMINI_VERTEX_AI_PROJECT";
  public static final String LOCATION = "ARCHESTRA_GEMINI_VERTEX_AI_LOCATION";
  public static final String CREDENTIALS_FILE = "ARCHESTRA_GEMINI_VERTEX_AI_CREDENTIALS_FILE";
  /** Moves the Vertex AI host, for a regional or private endpoint, or a test double. */
  public static final String BASE_URL = "ARCHESTRA_GEMINI_VERTEX_AI_BASE_URL";

  public static final String DEFAULT_LOCATION = "us-central1";

  private static final Pattern LOCATION_NAME = Pattern.compile("[a-z][a-z0-9-]*");

  /**
   * The Vertex AI endpoint when Vertex AI mode is on (Gemini's server-identity setting,
   * {@code ARCHESTRA_GEMINI_VERTEX_AI_ENABLED}), else {@code null}.
   */
  public static VertexAiEndpoint from(Settings settings) {
    if (!NativeProviders.GEMINI.serverIdentity().enabledIn(settings)) {
      return null;
    }
    String project = settings.string(PROJECT);
    if (project == null) {
      throw new SettingsException(PROJECT, "required when " + NativeProviders.GEMINI.serverIdentity().setting()
          + "=true: set it to your GCP project id");
    }
    String location = settings.string(LOCATION, DEFAULT_LOCATION);
    if (!LOCATION_NAME.matcher(location).matches()) {
      throw new SettingsException(LOCATION, "expected a GCP region such as us-central1 or global, got '" + location + "'");
    }
    String host = location.equals("global") ? "https://aiplatform.googleapis.com"
        : "https://" + location + "-aiplatform.googleapis.com";
    return new VertexAiEndpoint(project, location, settings.url(BASE_URL, host), settings.string(CREDENTIALS_FILE));
  }

  /** The URL of a model method, such as {@code gemini-2.5-flash} and {@code streamGenerateContent}. */
  public String modelMethodUrl(String model, String method) {
    return baseUrl + "/v1/projects/" + project + "/locations/" + location + "/publishers/google/models/" + model
        + ":" + method;
  }

  /** The list of Google's base models. */
  public String modelsUrl() {
    return baseUrl + "/v1beta1/publishers/google/models";
  }
}
