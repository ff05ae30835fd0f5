package dev.portcullis.provider.usage;

import dev.portcullis.common.bus.Usage;
import io.vertx.core.buffer.Buffer;

/** Watches the bytes of a streamed answer go by, and reads the usage its last events report. */
public interface UsageObserver {

  void onData(Buffer chunk);

  /** The usage seen so far; call it when the stream ended. */
  Usage usage();

  UsageObserver NONE = new UsageObserver() {
    @Override
    public void onData(Buffer chunk) {}

    @Override
    public Usage usage() {
      return Usage.UNKNOWN;
    }
  };
}
