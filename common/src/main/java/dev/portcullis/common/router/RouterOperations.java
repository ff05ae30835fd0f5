package dev.portcullis.common.router;

/** Operations of the calls the gateway sends to the model router ({@code portcullis.router.model}). */
public final class RouterOperations {

  /** A {@code ProxyRequest} with an OpenAI chat completions body. */
  public static final String CHAT_COMPLETIONS = "router.chat.completions";
  /** A {@code ProxyRequest} with an OpenAI Responses body. */
  public static final String RESPONSES = "router.responses";
  /** A {@link ModelListRequest}. */
  public static final String MODELS = "router.models";

  private RouterOperations() {}
}
