package dev.portcullis.common.router;

import dev.portcullis.common.error.GatewayError;

/**
 * The model router's model name: {@code <provider>:<native model id>}. Only the first colon
 * separates, because native ids contain colons themselves ({@code bedrock:amazon.nova-pro-v1:0}).
 * Parsed once, by the gateway, which sends the router the provider and the native id apart.
 */
public record ModelId(String provider, String nativeId) {

  /** How a model router model is spelled, for error messages. */
  public static final String FORMAT_EXAMPLE = "'<provider>:<model>', for example 'openai:gpt-4o', "
      + "'anthropic:claude-sonnet-4-5' or 'bedrock:amazon.nova-pro-v1:0'";

  /**
   * Splits a model router model at its first colon.
   *
   * @throws dev.portcullis.common.error.GatewayException a 400 on {@code model} saying how to spell it
   */
  public static ModelId parse(String model) {
    if (model == null || model.isBlank()) {
      throw GatewayError.invalidRequest("'model' is required and must be a string: use " + FORMAT_EXAMPLE + ".",
          "model").toException();
    }
    int colon = model.indexOf(':');
    if (colon <= 0) {
      throw GatewayError.invalidRequest("Model '" + model + "' names no provider. The model router takes "
          + FORMAT_EXAMPLE + "; GET /v1/model-router/<llm-proxy-id>/models lists the models you may use.", "model")
          .toException();
    }
    String nativeId = model.substring(colon + 1);
    if (nativeId.isBlank()) {
      throw GatewayError.invalidRequest("Model '" + model + "' names no model after the provider: use "
          + FORMAT_EXAMPLE + ".", "model").toException();
    }
    return new ModelId(model.substring(0, colon), nativeId);
  }

  @Override
  public String toString() {
    return provider + ":" + nativeId;
  }
}
