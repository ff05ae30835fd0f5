package dev.portcullis.common.stream.eventstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventStreamCodecTest {

  private static final HexFormat HEX = HexFormat.of();

  private static List<EventStreamFrame> decodeAll(Buffer bytes) {
    List<EventStreamFrame> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frames::add);
    decoder.feed(bytes);
    decoder.end();
    return frames;
  }

  @Test
  void emptyMessageMatchesTheSmithyTestVector() {
    Buffer encoded = EventStreamEncoder.encode(new EventStreamMessage(Map.of(), Buffer.buffer()));

    assertThat(HEX.formatHex(encoded.getBytes())).isEqualTo("00000010" + "00000000" + "05c248eb" + "7d98c8ff");
    assertThat(decodeAll(encoded)).singleElement().satisfies(frame -> {
      assertThat(frame.message().headers()).isEmpty();
      assertThat(frame.message().payload().length()).isZero();
    });
  }

  @Test
  void messageStartFrameMatchesTheReferenceLengthsAndCrcs() {
    EventStreamMessage messageStart =
        EventStreamMessage.event("messageStart", Buffer.buffer("{\"role\":\"assistant\"}"));

    Buffer encoded = EventStreamEncoder.encode(messageStart);

    assertThat(encoded.getUnsignedInt(0)).isEqualTo(118);
    assertThat(encoded.length()).isEqualTo(118);
    assertThat(encoded.getUnsignedInt(4)).isEqualTo(82);
    assertThat(HEX.formatHex(encoded.getBytes(8, 12))).isEqualTo("96d5fade");
    assertThat(HEX.formatHex(encoded.getBytes(114, 118))).isEqualTo("6fa8c599");
    // The header block is exactly what the wire format prescribes, in insertion order.
    Buffer firstHeader = Buffer.buffer().appendByte((byte) 11).appendString(":event-type")
        .appendByte((byte) 7).appendUnsignedShort(12).appendString("messageStart");
    assertThat(encoded.getBuffer(12, 12 + firstHeader.length())).isEqualTo(firstHeader);

    EventStreamMessage decoded = decodeAll(encoded).get(0).message();
    assertThat(decoded).isEqualTo(messageStart);
    assertThat(decoded.headers().keySet()).containsExactly(":event-type", ":content-type", ":message-type");
    assertThat(decoded.messageType()).isEqualTo("event");
    assertThat(decoded.eventType()).isEqualTo("messageStart");
    assertThat(decoded.contentType()).isEqualTo("application/json");
    assertThat(decoded.exceptionType()).isNull();
    assertThat(decoded.payload().toString()).isEqualTo("{\"role\":\"assistant\"}");
  }

  @Test
  void everyHeaderTypeRoundTrips() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("true", true);
    headers.put("false", false);
    headers.put("byte", (byte) -7);
    headers.put("short", (short) -12345);
    headers.put("int", Integer.MIN_VALUE);
    headers.put("long", Long.MAX_VALUE);
    headers.put("bytes", new byte[] {0, 1, (byte) 0xff, 42});
    headers.put("string", "h\u00e9llo \u4e16\u754c");
    headers.put("timestamp", Instant.parse("2026-11-25T07:47:33.123Z"));
    headers.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    EventStreamMessage message = new EventStreamMessage(headers, Buffer.buffer(new byte[] {1, 2, 3}));

    EventStreamMessage decoded = decodeAll(EventStreamEncoder.encode(message)).get(0).message();

    assertThat(decoded).isEqualTo(message);
    assertThat(decoded.headers().keySet()).containsExactlyElementsOf(headers.keySet());
    assertThat(decoded.headers().get("bytes")).isEqualTo(new byte[] {0, 1, (byte) 0xff, 42});
    assertThat(decoded.headers().get("byte")).isInstanceOf(Byte.class);
    assertThat(decoded.headers().get("short")).isInstanceOf(Short.class);
    assertThat(decoded.headers().get("int")).isInstanceOf(Integer.class);
    assertThat(decoded.headers().get("long")).isInstanceOf(Long.class);
    assertThat(decoded.headers().get("timestamp")).isEqualTo(Instant.ofEpochMilli(1795592853123L));
  }

  @Test
  void eachHeaderTypeUsesItsWireCode() {
    Object[] valuesInCodeOrder = {true, false, (byte) 1, (short) 1, 1, 1L, new byte[0], "", Instant.EPOCH,
        new UUID(0, 0)};
    for (int code = 0; code < valuesInCodeOrder.length; code++) {
      Buffer encoded = EventStreamEncoder.encode(
          new EventStreamMessage(Map.of("h", valuesInCodeOrder[code]), Buffer.buffer()));
      // prelude (12), name length (1), name "h" (1), then the type byte
      assertThat(encoded.getByte(14)).as("type of %s", valuesInCodeOrder[code]).isEqualTo((byte) code);
    }
  }

  @Test
  void exceptionMessageExposesItsType() {
    EventStreamMessage throttled =
        EventStreamMessage.exception("throttlingException", Buffer.buffer("{\"message\":\"slow down\"}"));

    EventStreamMessage decoded = decodeAll(EventStreamEncoder.encode(throttled)).get(0).message();

    assertThat(decoded.messageType()).isEqualTo("exception");
    assertThat(decoded.exceptionType()).isEqualTo("throttlingException");
    assertThat(decoded.eventType()).isNull();
    assertThat(decoded.payload().toString()).isEqualTo("{\"message\":\"slow down\"}");
  }

  @Test
  void errorMessageExposesCodeAndMessage() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(":message-type", "error");
    headers.put(":error-code", "InternalFailure");
    headers.put(":error-message", "try again");

    EventStreamMessage decoded =
        decodeAll(EventStreamEncoder.encode(new EventStreamMessage(headers, Buffer.buffer()))).get(0).message();

    assertThat(decoded.messageType()).isEqualTo("error");
    assertThat(decoded.errorCode()).isEqualTo("InternalFailure");
    assertThat(decoded.errorMessage()).isEqualTo("try again");
  }

  @Test
  void encoderRefusesWhatTheWireCannotCarry() {
    assertThatThrownBy(() -> new EventStreamMessage(Map.of("h", 1.5), Buffer.buffer()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventStreamEncoder.encode(
        new EventStreamMessage(Map.of("h", Instant.ofEpochSecond(0, 1)), Buffer.buffer())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventStreamEncoder.encode(
        new EventStreamMessage(Map.of("x".repeat(256), "v"), Buffer.buffer())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventStreamEncoder.encode(
        new EventStreamMessage(Map.of("h", "v".repeat(65_536)), Buffer.buffer())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventStreamEncoder.encode(
        new EventStreamMessage(Map.of(), Buffer.buffer(new byte[16 * 1024 * 1024]))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
