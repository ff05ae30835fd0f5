package dev.portcullis.common.settings;

/**
 * How long one provider's upstream may take at each stage of a call. Each stage has its own limit
 * because LLM upstreams differ in each: a slow local model may think for minutes before its first
 * byte, while a stream that stops in the middle is stuck and should fail fast.
 *
 * @param connectMs   to accept a connection
 * @param firstByteMs from the request sent to the first byte of the answer: a whole answer's status
 *                    line, a stream's first byte of body (headers may come at once, the first token
 *                    long after)
 * @param idleMs      silence in the middle of an answer, between two of its chunks
 */
public record UpstreamTimeouts(long connectMs, long firstByteMs, long idleMs) {

  /** The stages, each with the setting that names its limit. */
  public enum Stage {
    CONNECT,
    FIRST_BYTE,
    IDLE;

    /** {@code PORTCULLIS_UPSTREAM_FIRST_BYTE_TIMEOUT_MS}: the setting for every provider. */
    public String globalSetting() {
      return "PORTCULLIS_UPSTREAM_" + name() + "_TIMEOUT_MS";
    }

    /** {@code PORTCULLIS_OLLAMA_FIRST_BYTE_TIMEOUT_MS}: the setting for one provider. */
    public String providerSetting(String provider) {
      return "PORTCULLIS_" + provider.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_" + name()
          + "_TIMEOUT_MS";
    }

    /** The largest value a setting of this stage takes. */
    long maxMs() {
      return this == CONNECT ? 600_000 : 24L * 3600 * 1000;
    }
  }

  public UpstreamTimeouts {
    if (connectMs < 1 || firstByteMs < 1 || idleMs < 1) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /** The limit of one stage. */
  public long of(Stage stage) {
    return switch (stage) {
      case CONNECT -> connectMs;
      case FIRST_BYTE -> firstByteMs;
      case IDLE -> idleMs;
    };
  }

  /**
   * The longest a caller of this upstream may go without a word from it: the longer of the two
   * silences (the provider fits its connect time into the first one). What a call's bus
   * requesters wait, plus their grace per hop, so the provider's own timer fires first and names
   * the stage.
   */
  public long silenceMs() {
    return Math.max(firstByteMs, idleMs);
  }

  /** These limits, none above {@code capMs} (a bus caller's own timeout). */
  public UpstreamTimeouts cappedAt(long capMs) {
    if (capMs <= 0 || capMs >= Math.max(connectMs, Math.max(firstByteMs, idleMs))) {
      return this;
    }
    return new UpstreamTimeouts(Math.min(connectMs, capMs), Math.min(firstByteMs, capMs), Math.min(idleMs, capMs));
  }
}
