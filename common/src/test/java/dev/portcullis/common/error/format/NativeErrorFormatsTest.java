package dev.portcullis.common.error.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.stream.eventstream.EventStreamDecoder;
import dev.portcullis.common.stream.eventstream.EventStreamFrame;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeErrorFormatsTest {

  private final GatewayError timeout = GatewayError.upstreamTimeout("The upstream did not answer.");

  @Test
  void geminiErrorsCarryTheHttpCodeAndTheCanonicalStatus() {
    JsonObject error = new JsonObject(GeminiErrorFormat.INSTANCE.body(timeout)).getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(504);
    assertThat(error.getString("status")).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(GeminiErrorFormat.status(ErrorKind.RATE_LIMITED)).isEqualTo("RESOURCE_EXHAUSTED");
  }

  @Test
  void geminiStreamErrorsFollowTheStreamsFraming() {
    assertThat(GeminiErrorFormat.INSTANCE.streamEvent(timeout, "text/event-stream").toString())
        .startsWith("data: {\"error\":").endsWith("\r\n\r\n");
    String arrayTail = GeminiErrorFormat.INSTANCE.streamEvent(timeout, "application/json; charset=UTF-8").toString();
    // Appended to "[{...}" it closes a valid array whose last element is the error.
    JsonObject last = new io.vertx.core.json.JsonArray("[{}" + arrayTail).getJsonObject(1);
    assertThat(last.getJsonObject("error").getString("status")).isEqualTo("DEADLINE_EXCEEDED");
  }

  @Test
  void bedrockErrorsNameTheExceptionInTheHeaderAndInTheStreamFrame() {
    GatewayError denied = GatewayError.of(ErrorKind.AUTHENTICATION, "Send a Bedrock API key.");
    assertThat(BedrockErrorFormat.INSTANCE.headers(denied))
        .containsEntry(BedrockErrorFormat.ERROR_TYPE_HEADER, "UnrecognizedClientException");
    assertThat(new JsonObject(BedrockErrorFormat.INSTANCE.body(denied)).getString("message"))
        .isEqualTo("Send a Bedrock API key.");

    List<EventStreamFrame> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frames::add);
    decoder.feed(BedrockErrorFormat.INSTANCE.streamEvent(timeout));
    decoder.end();
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).message().messageType()).isEqualTo("exception");
    assertThat(frames.get(0).message().exceptionType()).isEqualTo("serviceUnavailableException");
    assertThat(new JsonObject(frames.get(0).message().payload()).getString("message"))
        .isEqualTo("The upstream did not answer.");
  }
}
