package dev.portcullis.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.testkit.BedrockWire;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConverseStreamUsageObserverTest {

  private final Buffer frames = BedrockWire.concat(BedrockWire.textStreamFrames(List.of("a", "b", "c"), 12, 34));

  @Test
  void usageComesFromTheMetadataEventWhateverTheReadBoundaries() {
    for (int piece : new int[] {1, 7, 64, frames.length()}) {
      ConverseStreamUsageObserver observer = new ConverseStreamUsageObserver("us.amazon.nova-pro-v1:0");
      for (int offset = 0; offset < frames.length(); offset += piece) {
        observer.onData(frames.getBuffer(offset, Math.min(frames.length(), offset + piece)));
      }
      assertThat(observer.usage()).as("pieces of %d bytes", piece)
          .isEqualTo(new Usage("us.amazon.nova-pro-v1:0", 12, 34));
    }
  }

  @Test
  void bytesThatAreNotAnEventStreamEndTheWatchingWithoutThrowing() {
    ConverseStreamUsageObserver observer = new ConverseStreamUsageObserver("m");
    observer.onData(frames.getBuffer(0, 20));
    observer.onData(Buffer.buffer("garbage that breaks the next frame's CRC................"));
    observer.onData(frames.getBuffer(20, frames.length()));

    assertThat(observer.usage()).isEqualTo(new Usage("m", -1, -1));
  }

  @Test
  void aStreamCutBeforeItsMetadataHasNoUsage() {
    ConverseStreamUsageObserver observer = new ConverseStreamUsageObserver("m");
    observer.onData(frames.getBuffer(0, frames.length() - 10));

    assertThat(observer.usage().known()).isFalse();
  }
}
