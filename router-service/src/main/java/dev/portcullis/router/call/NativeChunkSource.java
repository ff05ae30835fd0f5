package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.StreamFraming;
import dev.portcullis.common.stream.eventstream.EventStreamDecoder;
import dev.portcullis.common.stream.eventstream.EventStreamFormatException;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import dev.portcullis.common.stream.sse.SseEvent;
import dev.portcullis.common.stream.sse.SseParser;
import dev.portcullis.router.translate.ChatStreamTranslator;
import dev.portcullis.router.translate.NativeStreamEvent;
import dev.portcullis.router.translate.StreamStep;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A native provider's stream: the transport framing its descriptor names
 * ({@link ProviderDescriptor#streamFraming()}: SSE, or the AWS event stream) cut into events, each
 * fed to the provider's stream translator as soon as it is complete.
 *
 * <p>An SSE stream may end with {@code data: [DONE]} after its last native event (Cohere's v2
 * chat stream does; its SDKs stop there): that marks the end of the events, it is never parsed,
 * and whatever follows it is ignored, as the SDKs ignore it. Comments, blank keep-alive events and
 * events without data carry nothing and are skipped.
 */
final class NativeChunkSource implements ChunkSource {

  private final String provider;
  private final ChatStreamTranslator translator;
  private final SseParser sse;
  private final EventStreamDecoder events;
  private final List<ObjectNode> pending = new ArrayList<>();
  private ObjectNode error;
  private boolean doneMarkerSeen;

  NativeChunkSource(ProviderDescriptor provider, ChatStreamTranslator translator) {
    this.provider = provider.name();
    this.translator = translator;
    if (provider.streamFraming() == StreamFraming.AWS_EVENT_STREAM) {
      this.sse = null;
      this.events = new EventStreamDecoder(frame -> onAwsMessage(frame.message()));
    } else {
      this.sse = new SseParser(this::onSse);
      this.events = null;
    }
  }

  @Override
  public StreamStep feed(Buffer bytes) {
    if (error == null) {
      try {
        if (sse != null) {
          sse.feed(bytes);
        } else {
          events.feed(bytes);
        }
      } catch (EventStreamFormatException e) {
        error = StreamErrors.malformed(provider, "a corrupt event-stream frame (" + e.getMessage() + ")");
      }
    }
    return take();
  }

  @Override
  public StreamStep end() {
    if (error == null) {
      try {
        if (sse != null) {
          sse.finish();
        } else {
          events.end();
        }
      } catch (EventStreamFormatException e) {
        error = StreamErrors.malformed(provider, "the stream ended inside an event-stream frame");
      }
    }
    if (error == null) {
      pending.addAll(translator.finish());
    }
    return take();
  }

  @Override
  public Usage usage() {
    return translator.usage();
  }

  private StreamStep take() {
    StreamStep step = error == null ? StreamStep.of(pending) : StreamStep.failed(pending, error);
    pending.clear();
    return step;
  }

  private void onSse(SseEvent event) {
    String data = event.data();
    if (error != null || doneMarkerSeen || data == null || data.isBlank()) {
      return;
    }
    if (event.isDoneMarker()) {
      doneMarkerSeen = true;
      return;
    }
    JsonNode json = RouterJson.parseEvent(data);
    if (json == null) {
      error = StreamErrors.malformed(provider, "an event that is not JSON");
      return;
    }
    accept(translator.onEvent(NativeStreamEvent.sse(event.event(), json)));
  }

  private void onAwsMessage(EventStreamMessage message) {
    if (error != null) {
      return;
    }
    String type = message.messageType();
    if ("error".equals(type)) {
      ObjectNode payload = dev.portcullis.router.translate.openai.Json.object();
      payload.put("message", message.errorMessage());
      accept(translator.onEvent(new NativeStreamEvent("error", null, message.errorCode(), payload)));
      return;
    }
    JsonNode json = RouterJson.parseAnswer(message.payload());
    if (json == null) {
      error = StreamErrors.malformed(provider, "an event whose payload is not JSON");
      return;
    }
    accept("exception".equals(type)
        ? translator.onEvent(NativeStreamEvent.awsException(message.exceptionType(), json))
        : translator.onEvent(NativeStreamEvent.awsEvent(message.eventType(), json)));
  }

  private void accept(StreamStep step) {
    pending.addAll(step.chunks());
    if (step.isFailure()) {
      error = step.error();
    }
  }
}
