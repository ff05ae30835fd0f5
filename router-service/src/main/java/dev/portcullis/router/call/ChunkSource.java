package dev.portcullis.router.call;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.router.translate.StreamStep;
import io.vertx.core.buffer.Buffer;

/** Turns the raw bytes of a provider's stream into OpenAI {@code chat.completion.chunk}s. */
interface ChunkSource {

  /** The chunks the complete events in these bytes make, and the error if one of them failed the stream. */
  StreamStep feed(Buffer bytes);

  /** The trailing chunks once the provider's stream has ended; a failure when it ended too early. */
  StreamStep end();

  Usage usage();
}
