package dev.portcullis.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.app.PortcullisUnderTest;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fuzz's raw client reads what the gateway answers to a request asking for an h2c upgrade: a
 * {@code 101}, then the answer as HTTP/2 stream 1.
 */
@Timeout(30)
class H2cAnswerTest {

  @Test
  void anUpgradedAnswerIsReadAsHttp2() throws Exception {
    Vertx vertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(vertx);
    upstream.on("GET", "/v1/models", RecordingUpstream.json(200, OpenAiWire.models("gpt-4o")));
    PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")));
    try (Socket socket = new Socket("127.0.0.1", portcullis.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /v1/openai/models HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer sk-raw\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
          + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String head = readHead(in);

      assertThat(head).startsWith("HTTP/1.1 101");
      Answer answer = H2cAnswer.read(in, socket.getOutputStream(), 1 << 20);

      assertThat(answer.problem()).isNull();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.bodyText()).contains("gpt-4o");
      assertThat(answer.headers()).doesNotContainKeys("connection", "upgrade", "transfer-encoding");
      assertThat(upstream.received()).hasSize(1);
    } finally {
      portcullis.close();
      upstream.close();
      vertx.close().await();
    }
  }

  private static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
