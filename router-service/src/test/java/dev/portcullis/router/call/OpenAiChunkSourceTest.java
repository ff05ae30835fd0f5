package dev.portcullis.router.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.router.translate.StreamStep;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An OpenAI-compatible chat stream read as chunks ends at {@code data: [DONE]}, however it is framed. */
class OpenAiChunkSourceTest {

  private static final String FIRST = "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"H\u00e9\"}}]}";
  private static final String LAST = "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}";

  private static List<String> read(String stream) {
    OpenAiChunkSource source = new OpenAiChunkSource("compat", "m");
    List<String> chunks = new ArrayList<>();
    for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
      StreamStep step = source.feed(Buffer.buffer(new byte[] {b}));
      assertThat(step.isFailure()).isFalse();
      step.chunks().forEach(chunk -> chunks.add(chunk.toString()));
    }
    StreamStep end = source.end();
    assertThat(end.isFailure()).isFalse();
    end.chunks().forEach(chunk -> chunks.add(chunk.toString()));
    assertThat(source.usage().outputTokens()).isEqualTo(1);
    return chunks;
  }

  @Test
  void nothingAfterTheDoneMarkerIsReadWhateverTheLineEnds() {
    String stream = ": OPENROUTER PROCESSING\r\n\r\ndata: " + FIRST + "\r\n\r\n\r\ndata: " + LAST + "\r\n\r\n"
        + "data: [DONE]\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\r\n\r\ndata: not json\r\n\r\n";
    assertThat(read(stream)).containsExactly(FIRST, LAST);
    assertThat(read(stream.replace("\r\n", "\r"))).containsExactly(FIRST, LAST);
  }

  @Test
  void aStreamWithoutTheDoneMarkerOrItsLastBlankLineEndsCleanly() {
    assertThat(read("data: " + FIRST + "\n\ndata: " + LAST)).containsExactly(FIRST, LAST);
  }
}
