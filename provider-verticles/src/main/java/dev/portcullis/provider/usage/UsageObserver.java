package dev.portcullis.provider.usage;

import dev.portcullis.common.bus.Usage;
import io.vertx.core.buffer.Buffer;

/** Watches the bytes of a streamed answer go by, and reads the usage its last events report. */
public interface UsageObserver {

  void onData(Buffer chunk);

  /** The usage seen so far; call it when the stream ended. */
  Usage usage();

  /**
   * Whether the stream's last event went by (OpenAI's {@code [DONE]}, Anthropic's
   * {@code message_stop}, an error event); call it after {@link #usage()}. A stream that ended
   * without it was cut short: the caller must learn that its answer is incomplete. True where the
   * format has no such event, or this observer does not know it.
   */
  default boolean sawLastEvent() {
    return true;
  }

  UsageObserver NONE = new UsageObserver() {
    @Override
    public void onData(Buffer chunk) {}

    @Override
    public Usage usage() {
      return Usage.UNKNOWN;
    }
  };
}
