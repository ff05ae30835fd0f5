package dev.portcullis.router.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;
import java.util.List;

/**
 * Turns one native streamed answer into OpenAI {@code chat.completion.chunk} objects, one native
 * event at a time. Not thread-safe: one instance per stream, fed in order.
 */
public interface ChatStreamTranslator {

  /** The chunks (and possibly the mid-stream error) one native event produces. */
  StreamStep onEvent(NativeStreamEvent event);

  /**
   * The trailing chunks once the native stream has ended: the finish chunk and, when the client
   * asked for {@code include_usage}, the {@code choices:[]} usage chunk. The caller then writes
   * {@code data: [DONE]}. Empty after a failure.
   */
  List<ObjectNode> finish();

  /** Token usage as reported so far, for metrics. */
  Usage usage();
}
