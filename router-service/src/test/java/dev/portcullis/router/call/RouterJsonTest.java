package dev.portcullis.router.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Stream events are read from their decoded text and chunks appended in place, as the whole-body paths do. */
class RouterJsonTest {

  private static final String EVENT = "{\"type\":\"content_block_delta\",\"index\":0,"
      + "\"delta\":{\"type\":\"text_delta\",\"text\":\"H\u00e9llo \\ud83d\\ude00\"},\"t\":0.10}";

  @Test
  void eventsReadAsTheBodyReaderReadsThem() {
    JsonNode fromText = RouterJson.parseEvent(EVENT);
    assertThat(fromText).isEqualTo(RouterJson.parseAnswer(Buffer.buffer(EVENT)));
    assertThat(fromText.path("t").decimalValue().toPlainString()).isEqualTo("0.10");
    assertThat(RouterJson.parseEvent("not json")).isNull();
    assertThat(RouterJson.parseEvent("")).isNull();
    assertThat(RouterJson.parseEvent(null)).isNull();
  }

  @Test
  void writeToAppendsWhatWriteWrites() {
    JsonNode node = RouterJson.parseEvent(EVENT);
    Buffer out = Buffer.buffer("data: ");
    assertThat(RouterJson.writeTo(out, node)).isSameAs(out);
    assertThat(out.toString()).isEqualTo("data: " + RouterJson.write(node).toString());
  }
}
