package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Slow clients (issue 10): 500 connections that send their headers one byte a second are all
 * closed by the header timeout, while a normal client keeps getting answers throughout, and the
 * gateway's side of every closed connection is released. Loopback only, bounded to a few seconds
 * by a short {@code PORTCULLIS_HEADER_TIMEOUT_MS}.
 */
class SlowClientsTest {

  private static final int SLOW_CLIENTS = 500;
  private static final long HEADER_TIMEOUT_MS = 2_000;
  private static final byte[] REQUEST = ("GET /v1/openai/models HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Authorization: Bearer sk-slow\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  @Test
  void trickledHeadersAreCutOffWhileNormalClientsAreServed() throws Exception {
    Vertx upstreamVertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("GET", "/v1/models", RecordingUpstream.json(200, OpenAiWire.models("gpt-4o")));
    PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "PORTCULLIS_HEADER_TIMEOUT_MS", String.valueOf(HEADER_TIMEOUT_MS)));
    HttpClient normal = HttpClient.newHttpClient();
    List<SocketChannel> slow = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      long fdsBefore = openFileDescriptors();
      for (int i = 0; i < SLOW_CLIENTS; i++) {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", portcullis.port()));
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, i);
        slow.add(channel);
      }
      Set<Integer> closed = new HashSet<>();
      int[] sent = new int[SLOW_CLIENTS];
      int normalAnswers = 0;
      long started = System.currentTimeMillis();
      long deadline = started + HEADER_TIMEOUT_MS + 8_000;
      long nextByte = started;
      while (closed.size() < SLOW_CLIENTS && System.currentTimeMillis() < deadline) {
        if (System.currentTimeMillis() >= nextByte) {
          // One more byte of the headers on every connection still open: never a complete request.
          for (int i = 0; i < SLOW_CLIENTS; i++) {
            if (!closed.contains(i) && sent[i] < REQUEST.length - 2) {
              try {
                slow.get(i).write(ByteBuffer.wrap(REQUEST, sent[i], 1));
                sent[i]++;
              } catch (IOException reset) {
                closed.add(i);
              }
            }
          }
          nextByte += 1_000;
          HttpResponse<String> answer = normal.send(HttpRequest.newBuilder(
                  URI.create(portcullis.providerUrl("openai") + "/models"))
              .header("Authorization", "Bearer sk-normal").GET().build(), HttpResponse.BodyHandlers.ofString());
          assertThat(answer.statusCode()).isEqualTo(200);
          normalAnswers++;
        }
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          int index = (Integer) key.attachment();
          try {
            if (((SocketChannel) key.channel()).read(ByteBuffer.allocate(1024)) < 0) {
              closed.add(index);
              key.cancel();
            }
          } catch (IOException reset) {
            closed.add(index);
            key.cancel();
          }
        }
        selector.selectedKeys().clear();
      }
      long tookMs = System.currentTimeMillis() - started;
      assertThat(closed).as("every trickling connection is closed").hasSize(SLOW_CLIENTS);
      assertThat(tookMs).isLessThan(HEADER_TIMEOUT_MS + 8_000);
      assertThat(normalAnswers).as("the normal client was answered all along").isGreaterThanOrEqualTo(2);
      for (SocketChannel channel : slow) {
        channel.close();
      }
      // A channel registered with a selector keeps its descriptor until the selector drops the key.
      selector.selectNow();
      // Both ends live in this JVM: had the gateway kept its side, 500 descriptors would remain.
      // Closing is asynchronous on both sides: give the descriptors a moment to go. The margin
      // (pools, selectors) is far below the 500 a leak would leave.
      long fdsAfter = openFileDescriptors();
      for (long until = System.currentTimeMillis() + 10_000; fdsAfter >= fdsBefore + 100
          && System.currentTimeMillis() < until; fdsAfter = openFileDescriptors()) {
        Thread.sleep(100);
      }
      assertThat(fdsAfter).isLessThan(fdsBefore + 100);
      assertThat(upstream.received()).allSatisfy(request -> assertThat(request.header("Authorization"))
          .isEqualTo("Bearer sk-normal"));
    } finally {
      for (SocketChannel channel : slow) {
        channel.close();
      }
      portcullis.close();
      upstream.close();
      upstreamVertx.close().await();
    }
  }

  private static long openFileDescriptors() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return 0;
    }
    try (var list = Files.list(fds)) {
      return list.count();
    }
  }
}
