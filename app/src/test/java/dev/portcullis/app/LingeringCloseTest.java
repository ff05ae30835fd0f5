package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request refused before it has all arrived (a request line too long: 414) from a client that
 * is slow to send the rest is answered on every port, and the client can read that answer: the
 * server reads and drops what keeps coming instead of closing under the client, which would reset
 * the connection and could destroy the answer unread. The fuzz suite found this with Vert.x's
 * client on a busy machine: an OPTIONS with a 1 MB path to the admin port got no answer, its
 * request line still being written a second after the 414 went out.
 */
class LingeringCloseTest {

  /** Written in pieces of this size, a pause after each: about 2.4 s in all, past a 1 s linger. */
  private static final int PIECE = 64 * 1024;
  private static final int PIECES = 16;
  private static final long PAUSE_MS = 150;
  private static PortcullisUnderTest portcullis;

  @BeforeAll
  static void start() {
    portcullis = PortcullisUnderTest.start(Map.of());
  }

  @AfterAll
  static void stop() {
    portcullis.close();
  }

  /** A port, and where the request line's path starts on it. */
  private record Server(String name, int port, String pathStart) {}

  @Test
  void aSlowClientStillWritingAnOverlongRequestLineReadsItsRefusalOnEveryPort() throws Exception {
    List<Server> servers = List.of(
        new Server("admin", URI.create(portcullis.adminUrl()).getPort(), "/api/admin/virtual-keys/"),
        new Server("gateway", portcullis.port(), "/v1/openai/models/"),
        new Server("metrics", portcullis.metricsPort(), "/metrics/"));
    Map<String, String> seen = new LinkedHashMap<>();
    for (Server server : servers) {
      seen.put(server.name(), slowOverlongRequest(server.port(), server.pathStart()));
    }
    assertThat(seen).allSatisfy((port, answer) -> assertThat(answer).as(port).matches("written; HTTP/1\\.[01] 414 .*; closed"));
  }

  @Test
  void aClientThatKeepsTricklingAfterItsRefusalIsCutOffWithinTheLingersBound() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", portcullis.port())) {
      socket.setSoTimeout(200);
      OutputStream out = socket.getOutputStream();
      out.write(("OPTIONS /v1/openai/models/" + "a".repeat(PIECE)).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long started = System.nanoTime();
      long cutOffMs = -1;
      byte[] answer = new byte[4096];
      // One byte every 200 ms, never a second of quiet: only the bound ends the linger.
      while (cutOffMs < 0 && System.nanoTime() - started < 20_000_000_000L) {
        try {
          out.write('a');
          out.flush();
          if (socket.getInputStream().read(answer) < 0) {
            cutOffMs = (System.nanoTime() - started) / 1_000_000;
          }
        } catch (java.net.SocketTimeoutException quiet) {
          // nothing more to read yet
        } catch (IOException closed) {
          cutOffMs = (System.nanoTime() - started) / 1_000_000;
        }
      }
      assertThat(cutOffMs).as("ms until the server closed").isBetween(8_000L, 13_000L);
    }
  }

  /** What the client managed: "written; ", the answer's status line and "; closed", or where it failed. */
  private static String slowOverlongRequest(int port, String pathStart) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      String written;
      try {
        out.write(("OPTIONS " + pathStart).getBytes(StandardCharsets.US_ASCII));
        byte[] piece = "a".repeat(PIECE).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < PIECES; i++) {
          out.write(piece);
          out.flush();
          Thread.sleep(PAUSE_MS);
        }
        out.write(" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        written = "written; ";
      } catch (IOException e) {
        written = "writing failed (" + e.getMessage() + "); ";
      }
      try {
        InputStream in = socket.getInputStream();
        String status = statusLine(in);
        // Once the client has sent everything, the server closes within a second of quiet.
        socket.setSoTimeout(5_000);
        while (in.read() != -1) {
          // the rest of the answer
        }
        return written + status + "; closed";
      } catch (IOException e) {
        return written + "reading failed (" + e.getMessage() + ")";
      }
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1 && b != '\n'; ) {
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII).strip();
  }
}
