package dev.portcullis.common.provider;

/**
 * Where a provider's upstream URL puts the model, which decides what the gateway checks before a
 * model id may go upstream: nothing in it may change which upstream path is called.
 */
public enum ModelPlacement {
  /** The model stays in the body; path parameters (if any) are single segments. */
  BODY,
  /** The body's model becomes a deployment segment of the path (classic Azure {@code /deployments/{model}/...}). */
  DEPLOYMENT_SEGMENT,
  /** The model is one path segment (Gemini's {@code /models/{model}:generateContent}). */
  PATH_SEGMENT,
  /**
   * The model id is one path segment that may be an ARN, whose slashes travel encoded as
   * {@code %2F} inside the segment (Bedrock's {@code /model/{modelId}/converse}).
   */
  ARN_SEGMENT;

  /** Whether {@code %2F} may separate the parts of a model id in the path. */
  public boolean slashesAllowed() {
    return this == ARN_SEGMENT;
  }

  /** Whether a model named in the body is placed into the upstream path. */
  public boolean bodyModelGoesIntoPath() {
    return this == DEPLOYMENT_SEGMENT || this == ARN_SEGMENT;
  }
}
