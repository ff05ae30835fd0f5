package dev.portcullis.router;

import dev.portcullis.router.translate.TranslationException;

/**
 * The model router's model name: {@code <provider>:<native model id>}. Only the first colon
 * separates, because native ids contain colons themselves ({@code bedrock:amazon.nova-pro-v1:0}).
 */
public record ModelId(String provider, String nativeId) {

  private static final String FORMAT_HINT =
      "use '<provider>:<model>', for example 'anthropic:claude-sonnet-4-5' or"
          + " 'bedrock:amazon.nova-pro-v1:0'";

  public static ModelId parse(String model) {
    if (model == null || model.isBlank()) {
      throw new TranslationException("'model' is required: " + FORMAT_HINT, "model");
    }
    int colon = model.indexOf(':');
    if (colon < 0) {
      throw new TranslationException(
          "model '" + model + "' names no provider: " + FORMAT_HINT, "model");
    }
    String provider = model.substring(0, colon).trim();
    String nativeId = model.substring(colon + 1).trim();
    if (provider.isEmpty() || nativeId.isEmpty()) {
      throw new TranslationException(
          "model '" + model + "' must have both a provider and a model id: " + FORMAT_HINT,
          "model");
    }
    return new ModelId(provider, nativeId);
  }

  @Override
  public String toString() {
    return provider + ":" + nativeId;
  }
}
