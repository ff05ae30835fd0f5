package dev.portcullis.common.stream.jsonarray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonArrayStreamSplitterTest {

  /** Elements whose strings hold every byte that could fool a naive splitter. */
  private static final List<String> ELEMENTS = List.of(
      "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hel\"}]}}]}",
      "{\"text\":\"brackets { } [ ] and \\\"quoted\\\" and a backslash \\\\\"}",
      "{\"text\":\"ends with a backslash \\\\\",\"next\":\"}\"}",
      "{\"text\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00 \\u00e9\",\"n\":[1,[2,{\"x\":[]}],null,true]}",
      "[{\"a\":\"]\"},{}]",
      "{}");

  private static List<String> split(byte[] body, int... cuts) {
    List<String> elements = new ArrayList<>();
    JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(e -> elements.add(e.toString(StandardCharsets.UTF_8)));
    int from = 0;
    for (int cut : cuts) {
      splitter.feed(Buffer.buffer().appendBytes(body, from, cut - from));
      from = cut;
    }
    splitter.feed(Buffer.buffer().appendBytes(body, from, body.length - from));
    splitter.end();
    return elements;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void elementsAreCutOutExactlyWhereverTheBodyIsSplit() throws Exception {
    String body = "[" + String.join(",\r\n", ELEMENTS) + "]";
    byte[] bytes = utf8(body);
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertThat(split(bytes, cut)).as("split at byte %d", cut).containsExactlyElementsOf(ELEMENTS);
    }
    // The test data itself is valid JSON, so the splitter is judged against real element boundaries.
    assertThat(new ObjectMapper().readTree(body).size()).isEqualTo(ELEMENTS.size());
  }

  @Test
  void elementsSurviveOneByteFeedsAndRandomPieces() {
    byte[] bytes = utf8("[" + String.join(",", ELEMENTS) + "]");
    int[] everyByte = new int[bytes.length - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    assertThat(split(bytes, everyByte)).containsExactlyElementsOf(ELEMENTS);

    Random random = new Random(42);
    for (int round = 0; round < 100; round++) {
      int[] cuts = random.ints(1 + random.nextInt(8), 0, bytes.length + 1).sorted().toArray();
      assertThat(split(bytes, cuts)).containsExactlyElementsOf(ELEMENTS);
    }
  }

  @Test
  void anyWhitespaceAroundElementsIsAccepted() {
    String first = "{\"a\":1}";
    String second = "{\"b\" : [ 2 , 3 ]}";
    List<String> bodies = List.of(
        "[" + first + "," + second + "]",
        "[\n" + first + "\n,\n" + second + "\n]\n",
        "  \r\n[ " + first + " ,\r\n" + second + "\t]  ",
        "[" + first + "\n,\r\n" + second + "]\n\n");
    for (String body : bodies) {
      assertThat(split(utf8(body))).as(body).containsExactly(first, second);
    }
  }

  @Test
  void emptyArrayYieldsNothing() {
    assertThat(split(utf8("[]"))).isEmpty();
    assertThat(split(utf8(" [ \n ] \n"))).isEmpty();
  }

  @Test
  void elementIsReportedAsSoonAsItCloses() {
    List<Buffer> elements = new ArrayList<>();
    JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(elements::add);

    splitter.feed(Buffer.buffer("[{\"a\":\"x\"}"));
    assertThat(elements).containsExactly(Buffer.buffer("{\"a\":\"x\"}"));
    splitter.feed(Buffer.buffer(",\n{\"b\":"));
    assertThat(elements).hasSize(1);
    splitter.feed(Buffer.buffer("2}"));
    assertThat(elements).hasSize(2);
  }

  @Test
  void reportedElementsAreIndependentCopies() {
    List<Buffer> elements = new ArrayList<>();
    JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(elements::add);
    Buffer chunk = Buffer.buffer("[{\"a\":1}]");

    splitter.feed(chunk);
    chunk.setByte(2, (byte) 'Z');

    assertThat(elements).containsExactly(Buffer.buffer("{\"a\":1}"));
  }

  @Test
  void brokenFramingIsRejected() {
    assertMalformed("{\"a\":1}", "opening [");
    assertMalformed("[{\"a\":1} {\"b\":2}]", "comma");
    assertMalformed("[{\"a\":1},]", "object or array element");
    assertMalformed("[,{\"a\":1}]", "object or array element");
    assertMalformed("[1,2]", "object or array element");
    assertMalformed("[{\"a\":[1}]", "']'");
    assertMalformed("[{\"a\":1}]x", "nothing after");
    assertMalformed("[{\"a\":1}][]", "nothing after");
  }

  @Test
  void truncatedStreamIsReportedAtTheEnd() {
    for (String truncated : List.of("", "[", "[{\"a\":1}", "[{\"a\":\"}", "[{\"a\":1},")) {
      JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(e -> {});
      splitter.feed(Buffer.buffer(truncated));
      assertThatThrownBy(splitter::end).as(truncated).isInstanceOf(JsonStreamFormatException.class);
    }
  }

  @Test
  void splitterStaysFailedAfterAnError() {
    List<Buffer> elements = new ArrayList<>();
    JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(elements::add);
    assertThatThrownBy(() -> splitter.feed(Buffer.buffer("[{\"a\":1}}"))).isInstanceOf(JsonStreamFormatException.class);
    assertThat(elements).hasSize(1);

    assertThatThrownBy(() -> splitter.feed(Buffer.buffer(",{\"b\":2}]"))).isInstanceOf(JsonStreamFormatException.class);
    assertThat(elements).hasSize(1);
  }

  @Test
  void sinkThatThrowsLosesNoElement() {
    List<String> elements = new ArrayList<>();
    JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(element -> {
      elements.add(element.toString());
      if (elements.size() == 1) {
        throw new IllegalStateException("consumer failed");
      }
    });

    assertThatThrownBy(() -> splitter.feed(Buffer.buffer("[{\"a\":1},{\"b\":2}"))).isInstanceOf(IllegalStateException.class);
    splitter.feed(Buffer.buffer(",{\"c\":3}]"));
    splitter.end();

    assertThat(elements).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
  }

  @Test
  void errorNamesTheOffendingByteAndItsPosition() {
    JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(e -> {});
    splitter.feed(Buffer.buffer("[{\"a\":1}"));

    assertThatThrownBy(() -> splitter.feed(Buffer.buffer(" x")))
        .isInstanceOf(JsonStreamFormatException.class).hasMessageContaining("at byte offset 9").hasMessageContaining("'x'");
  }

  @Test
  void elementLargerThanTheLimitIsRejected() {
    JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(16, e -> {});
    splitter.feed(Buffer.buffer("[{\"a\":\"0123456\"},"));
    splitter.feed(Buffer.buffer("{\"a\":\"0123"));
    assertThatThrownBy(() -> splitter.feed(Buffer.buffer("45678\"}]")))
        .isInstanceOf(JsonStreamFormatException.class).hasMessageContaining("larger than 16");
  }

  private static void assertMalformed(String body, String expectedMessage) {
    JsonArrayStreamSplitter splitter = new JsonArrayStreamSplitter(e -> {});
    assertThatThrownBy(() -> {
      splitter.feed(Buffer.buffer(body));
      splitter.end();
    }).as(body).isInstanceOf(JsonStreamFormatException.class).hasMessageContaining(expectedMessage);
  }
}
