package dev.portcullis.router.call;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.router.translate.StreamStep;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A stream rewritten event by event: the provider's bytes become chat chunks ({@link ChunkSource})
 * which are written in the client's stream format ({@link ChunkSink}). A failure inside the stream
 * ends it with the client format's error event.
 */
final class TranslatingTransform implements StreamTransform {

  private final ChunkSource source;
  private final ChunkSink sink;
  private final String model;
  private boolean ended;
  private boolean failed;

  TranslatingTransform(ChunkSource source, ChunkSink sink, String model) {
    this.source = source;
    this.sink = sink;
    this.model = model;
  }

  @Override
  public MultiMap headers(MultiMap providerHeaders) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("content-type", "text/event-stream; charset=utf-8")
        .add("cache-control", "no-cache");
  }

  @Override
  public Buffer onData(Buffer bytes) {
    return ended ? Buffer.buffer() : write(source.feed(bytes), false);
  }

  @Override
  public boolean ended() {
    return ended;
  }

  @Override
  public boolean failed() {
    return failed;
  }

  @Override
  public Buffer onEnd() {
    return ended ? Buffer.buffer() : write(source.end(), true);
  }

  @Override
  public Buffer onFailure(GatewayError error) {
    if (ended) {
      return Buffer.buffer();
    }
    ended = true;
    failed = true;
    return sink.fail(StreamErrors.of(error));
  }

  @Override
  public Usage usage(Usage reported) {
    Usage translated = source.usage();
    return translated != null && translated.known() ? translated.withModelIfAbsent(model) : reported;
  }

  private Buffer write(StreamStep step, boolean last) {
    Buffer out = sink.write(step.chunks());
    if (step.isFailure()) {
      ended = true;
      failed = true;
      out.appendBuffer(sink.fail(step.error()));
    } else if (last) {
      ended = true;
      out.appendBuffer(sink.finish());
    }
    return out;
  }
}
