package dev.portcullis.common.stream.eventstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class EventStreamDecoderTest {

  private static final List<EventStreamMessage> CONVERSATION = List.of(
      EventStreamMessage.event("messageStart", Buffer.buffer("{\"role\":\"assistant\"}")),
      EventStreamMessage.event("contentBlockDelta",
          Buffer.buffer("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hello, w\u00f6rld \u4e16\u754c\"}}")),
      new EventStreamMessage(Map.of(), Buffer.buffer()),
      EventStreamMessage.event("contentBlockStop", Buffer.buffer("{\"contentBlockIndex\":0}")),
      EventStreamMessage.event("messageStop", Buffer.buffer("{\"stopReason\":\"end_turn\"}")),
      EventStreamMessage.event("metadata", Buffer.buffer(
          "{\"usage\":{\"inputTokens\":5,\"outputTokens\":7,\"totalTokens\":12},\"metrics\":{\"latencyMs\":81}}")));

  private static List<Buffer> encodedFrames() {
    return CONVERSATION.stream().map(EventStreamEncoder::encode).toList();
  }

  private static Buffer wholeStream() {
    Buffer stream = Buffer.buffer();
    encodedFrames().forEach(stream::appendBuffer);
    return stream;
  }

  private static void assertDecodedConversation(List<EventStreamFrame> frames) {
    assertThat(frames).extracting(EventStreamFrame::message).containsExactlyElementsOf(CONVERSATION);
    assertThat(frames).extracting(EventStreamFrame::raw).containsExactlyElementsOf(encodedFrames());
  }

  @Test
  void streamFedAllAtOnceYieldsEveryFrame() {
    List<EventStreamFrame> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frames::add);

    decoder.feed(wholeStream());
    decoder.end();

    assertDecodedConversation(frames);
  }

  @Test
  void streamFedOneByteAtATimeYieldsEveryFrameAsSoonAsItIsComplete() {
    Buffer stream = wholeStream();
    List<EventStreamFrame> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frames::add);
    List<Integer> frameEnds = new ArrayList<>();
    int end = 0;
    for (Buffer frame : encodedFrames()) {
      end += frame.length();
      frameEnds.add(end);
    }

    for (int i = 0; i < stream.length(); i++) {
      decoder.feed(stream.getBuffer(i, i + 1));
      // A frame is reported on its last byte, not later.
      assertThat(frames).hasSize(countEndsUpTo(frameEnds, i + 1));
    }
    decoder.end();

    assertDecodedConversation(frames);
  }

  private static int countEndsUpTo(List<Integer> frameEnds, int bytesFed) {
    return (int) frameEnds.stream().filter(e -> e <= bytesFed).count();
  }

  @Test
  void streamFedInRandomPiecesYieldsEveryFrame() {
    Buffer stream = wholeStream();
    for (long seed = 1; seed <= 50; seed++) {
      Random random = new Random(seed);
      List<EventStreamFrame> frames = new ArrayList<>();
      EventStreamDecoder decoder = new EventStreamDecoder(frames::add);
      int position = 0;
      while (position < stream.length()) {
        int size = Math.min(stream.length() - position, 1 + random.nextInt(150));
        decoder.feed(stream.getBuffer(position, position + size));
        position += size;
      }
      decoder.end();

      assertDecodedConversation(frames);
    }
  }

  @Test
  void rawFramesAreTheExactInputSlices() {
    Buffer stream = wholeStream();
    List<EventStreamFrame> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frames::add);
    decoder.feed(stream.getBuffer(0, 50));
    decoder.feed(stream.getBuffer(50, stream.length()));

    Buffer relayed = Buffer.buffer();
    int offset = 0;
    for (EventStreamFrame frame : frames) {
      assertThat(frame.raw()).isEqualTo(stream.getBuffer(offset, offset + frame.raw().length()));
      offset += frame.raw().length();
      relayed.appendBuffer(frame.raw());
    }
    assertThat(relayed).isEqualTo(stream);
  }

  @Test
  void corruptPreludeCrcIsRejectedBeforeTheFrameArrives() {
    Buffer frame = EventStreamEncoder.encode(CONVERSATION.get(0));
    frame.setByte(10, (byte) (frame.getByte(10) ^ 0x01));
    EventStreamDecoder decoder = new EventStreamDecoder(f -> {
      throw new AssertionError("a corrupt frame was reported: " + f);
    });

    // Only the prelude has arrived: a corrupt prelude must fail now, not after waiting for the body.
    assertThatThrownBy(() -> decoder.feed(frame.getBuffer(0, 12)))
        .isInstanceOf(EventStreamFormatException.class)
        .hasMessageContaining("prelude CRC");
    assertThatThrownBy(() -> decoder.feed(frame.getBuffer(12, frame.length())))
        .isInstanceOf(EventStreamFormatException.class);
  }

  @Test
  void corruptLengthIsCaughtByThePreludeCrc() {
    Buffer frame = EventStreamEncoder.encode(CONVERSATION.get(0));
    frame.setInt(0, 0x7fffffff);

    assertThatThrownBy(() -> new EventStreamDecoder(f -> {}).feed(frame))
        .isInstanceOf(EventStreamFormatException.class)
        .hasMessageContaining("prelude CRC");
  }

  @Test
  void corruptPayloadIsCaughtByTheMessageCrcAfterEarlierFramesWereReported() {
    Buffer stream = wholeStream();
    int secondFrameStart = encodedFrames().get(0).length();
    int payloadByteOfSecondFrame = secondFrameStart + encodedFrames().get(1).length() - 10;
    stream.setByte(payloadByteOfSecondFrame, (byte) (stream.getByte(payloadByteOfSecondFrame) ^ 0x20));
    List<EventStreamFrame> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frames::add);

    assertThatThrownBy(() -> decoder.feed(stream))
        .isInstanceOf(EventStreamFormatException.class)
        .hasMessageContaining("message CRC");
    assertThat(frames).extracting(EventStreamFrame::message).containsExactly(CONVERSATION.get(0));
    // The decoder does not go on after a corrupt frame.
    assertThatThrownBy(() -> decoder.feed(encodedFrames().get(0))).isInstanceOf(EventStreamFormatException.class);
    assertThat(frames).hasSize(1);
  }

  @Test
  void lengthsBeyondTheLimitsAreRejectedEvenWithAValidPreludeCrc() {
    assertThatThrownBy(() -> new EventStreamDecoder(f -> {}).feed(prelude(16 * 1024 * 1024 + 1, 0)))
        .isInstanceOf(EventStreamFormatException.class).hasMessageContaining("message length");
    assertThatThrownBy(() -> new EventStreamDecoder(f -> {}).feed(prelude(15, 0)))
        .isInstanceOf(EventStreamFormatException.class).hasMessageContaining("message length");
    assertThatThrownBy(() -> new EventStreamDecoder(f -> {}).feed(prelude(200_000, 128 * 1024 + 1)))
        .isInstanceOf(EventStreamFormatException.class).hasMessageContaining("headers length");
    assertThatThrownBy(() -> new EventStreamDecoder(f -> {}).feed(prelude(100, 85)))
        .isInstanceOf(EventStreamFormatException.class).hasMessageContaining("headers length");
  }

  @Test
  void headerThatRunsPastItsBlockIsRejected() {
    // A string header claiming 200 bytes in a header block of 6 bytes, with valid CRCs.
    Buffer headers = Buffer.buffer().appendByte((byte) 1).appendString("h").appendByte((byte) 7)
        .appendUnsignedShort(200).appendString("v");
    assertThatThrownBy(() -> new EventStreamDecoder(f -> {}).feed(frameWithRawHeaders(headers)))
        .isInstanceOf(EventStreamFormatException.class).hasMessageContaining("past the end");
  }

  @Test
  void unknownHeaderTypeIsRejected() {
    Buffer headers = Buffer.buffer().appendByte((byte) 1).appendString("h").appendByte((byte) 10);
    assertThatThrownBy(() -> new EventStreamDecoder(f -> {}).feed(frameWithRawHeaders(headers)))
        .isInstanceOf(EventStreamFormatException.class).hasMessageContaining("header value type 10");
  }

  @Test
  void repeatedHeaderIsRejected() {
    Buffer header = Buffer.buffer().appendByte((byte) 1).appendString("h").appendByte((byte) 0);
    Buffer headers = header.copy().appendBuffer(header);
    assertThatThrownBy(() -> new EventStreamDecoder(f -> {}).feed(frameWithRawHeaders(headers)))
        .isInstanceOf(EventStreamFormatException.class).hasMessageContaining("twice");
  }

  @Test
  void streamEndingInsideAFrameIsReported() {
    Buffer frame = EventStreamEncoder.encode(CONVERSATION.get(0));
    List<EventStreamFrame> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frames::add);
    decoder.feed(frame.getBuffer(0, frame.length() - 1));

    assertThatThrownBy(decoder::end)
        .isInstanceOf(EventStreamFormatException.class).hasMessageContaining("ended inside a frame");
    assertThat(frames).isEmpty();
  }

  @Test
  void sinkThatThrowsDoesNotCauseAFrameToBeReportedTwice() {
    List<EventStreamFrame> frames = new ArrayList<>();
    EventStreamDecoder decoder = new EventStreamDecoder(frame -> {
      frames.add(frame);
      if (frames.size() == 1) {
        throw new IllegalStateException("consumer failed");
      }
    });
    Buffer stream = wholeStream();

    assertThatThrownBy(() -> decoder.feed(stream)).isInstanceOf(IllegalStateException.class);
    decoder.end();

    assertThat(frames).extracting(EventStreamFrame::message).containsExactlyElementsOf(CONVERSATION);
  }

  private static Buffer prelude(long totalLength, long headersLength) {
    Buffer prelude = Buffer.buffer().appendUnsignedInt(totalLength).appendUnsignedInt(headersLength);
    return prelude.appendUnsignedInt(crc(prelude));
  }

  private static Buffer frameWithRawHeaders(Buffer headers) {
    Buffer frame = prelude(12 + headers.length() + 4, headers.length()).appendBuffer(headers);
    return frame.appendUnsignedInt(crc(frame));
  }

  private static long crc(Buffer bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes.getBytes());
    return crc.getValue();
  }
}
