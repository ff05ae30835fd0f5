package dev.portcullis.common.bus;

/**
 * Token usage of one call, as read from the upstream's answer or the last events of its stream.
 * Counts are -1 when the upstream did not report them.
 */
public record Usage(String model, long inputTokens, long outputTokens) {

  public static final Usage UNKNOWN = new Usage(null, -1, -1);

  public boolean known() {
    return inputTokens >= 0 || outputTokens >= 0;
  }

  public Usage withModelIfAbsent(String fallback) {
    return model == null && fallback != null ? new Usage(fallback, inputTokens, outputTokens) : this;
  }
}
