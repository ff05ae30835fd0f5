package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No unauthenticated resource burn (issue 10, point 4): JSON bounded in depth, request bodies
 * bounded gateway-wide (503 with Retry-After over the cap, the reservation given back however the
 * call ends), the admin token checked before any body is read and no upload written to disk, and
 * every server (gateway, admin, metrics) closing connections that never finish their headers or
 * sit idle.
 */
class ResourceBoundsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final long HEADER_TIMEOUT_MS = 1_000;
  private static final long IDLE_TIMEOUT_MS = 1_500;
  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "PORTCULLIS_MAX_BUFFERED_REQUEST_BYTES", "256kb",
        "PORTCULLIS_HEADER_TIMEOUT_MS", String.valueOf(HEADER_TIMEOUT_MS),
        "PORTCULLIS_IDLE_TIMEOUT_MS", String.valueOf(IDLE_TIMEOUT_MS)));
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
    upstream.on("POST", "/v1/embeddings", RecordingUpstream.json(200, OpenAiWire.embeddings("text-embedding-3-small", 3)));
  }

  private static HttpResponse<String> embeddings(String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl("openai") + "/embeddings"))
        .header("Authorization", "Bearer sk-client").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String embeddingsBody(int size) {
    return "{\"model\":\"text-embedding-3-small\",\"input\":\"" + "x".repeat(size) + "\"}";
  }

  @Test
  void deeplyNestedJsonIsRefusedBeforeAnythingElse() throws Exception {
    String deep = "{\"model\":\"gpt-4o\",\"a\":" + "[".repeat(500) + "]".repeat(500) + "}";
    HttpResponse<String> response = embeddings(deep);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("nesting depth");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void bodiesOverTheGatewayWideCapGet503AndTheReservationComesBackWhenTheClientLeaves() throws Exception {
    String head = "POST /v1/openai/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-client\r\n"
        + "Content-Type: application/json\r\nContent-Length: 300000\r\n\r\n";
    try (Socket holder = new Socket("127.0.0.1", portcullis.port())) {
      // 200 KB of a 300 KB body, then nothing: the gateway holds those 200 KB.
      OutputStream out = holder.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(("{\"model\":\"text-embedding-3-small\",\"input\":\"" + "y".repeat(200_000)).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(500);

      HttpResponse<String> refused = embeddings(embeddingsBody(100_000));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("retry-after")).isPresent();
      assertThat(refused.body()).contains("PORTCULLIS_MAX_BUFFERED_REQUEST_BYTES");
      assertThat(upstream.received()).isEmpty();
    }
    // The holder went away: its 200 KB are given back.
    long deadline = System.currentTimeMillis() + 5_000;
    int status;
    do {
      Thread.sleep(100);
      status = embeddings(embeddingsBody(100_000)).statusCode();
    } while (status != 200 && System.currentTimeMillis() < deadline);
    assertThat(status).isEqualTo(200);
    // And a finished call gives its bytes back too: call after call fits.
    for (int i = 0; i < 5; i++) {
      assertThat(embeddings(embeddingsBody(150_000)).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theAdminTokenIsCheckedBeforeTheBodyIsRead() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", adminPort())) {
      socket.setSoTimeout(3_000);
      // A body is announced but never sent: the 401 must not wait for it.
      socket.getOutputStream().write(("POST /api/admin/provider-keys HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\nContent-Length: 900000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      RawHttp.Answer answer = RawHttp.read(socket.getInputStream());
      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.json().getJsonObject("error").getString("message")).contains("PORTCULLIS_ADMIN_TOKEN");
    }
  }

  @Test
  void theAdminApiWritesNoUploadToDisk() throws Exception {
    Path uploads = Path.of("file-uploads");
    if (Files.isDirectory(uploads)) {
      try (var files = Files.list(uploads)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(uploads);
    }
    String boundary = "b0undary";
    String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + "z".repeat(10_000) + "\r\n--" + boundary + "--\r\n";
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.adminUrl()
            + "/api/admin/provider-keys"))
        .header("Authorization", "Bearer " + PortcullisUnderTest.ADMIN_TOKEN)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofString(multipart)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(uploads).doesNotExist();
  }

  @Test
  void everyServerClosesAConnectionThatNeverFinishesItsHeaders() throws Exception {
    for (int port : new int[] {portcullis.port(), adminPort(), portcullis.metricsPort()}) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout((int) (HEADER_TIMEOUT_MS * 5));
        socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        long started = System.currentTimeMillis();
        assertThat(readUntilClosed(socket.getInputStream())).as("port " + port + " closes").isTrue();
        assertThat(System.currentTimeMillis() - started).isLessThan(HEADER_TIMEOUT_MS * 4);
      }
    }
  }

  @Test
  void everyServerClosesAnIdleKeepAliveConnection() throws Exception {
    String[] requests = {
        "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/admin/llm-proxies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + PortcullisUnderTest.ADMIN_TOKEN
            + "\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"};
    int[] ports = {portcullis.port(), adminPort(), portcullis.metricsPort()};
    for (int i = 0; i < ports.length; i++) {
      try (Socket socket = new Socket("127.0.0.1", ports[i])) {
        socket.setSoTimeout((int) (IDLE_TIMEOUT_MS * 5));
        socket.getOutputStream().write(requests[i].getBytes(StandardCharsets.US_ASCII));
        assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(200);
        long answered = System.currentTimeMillis();
        assertThat(readUntilClosed(socket.getInputStream())).as("port " + ports[i] + " closes").isTrue();
        long idle = System.currentTimeMillis() - answered;
        assertThat(idle).isBetween(IDLE_TIMEOUT_MS - 200, IDLE_TIMEOUT_MS * 4);
      }
    }
  }

  private static boolean readUntilClosed(InputStream in) throws Exception {
    try {
      while (in.read() >= 0) {
        // whatever the server sends before it closes
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (java.io.IOException reset) {
      return true;
    }
  }

  private static int adminPort() {
    return URI.create(portcullis.adminUrl()).getPort();
  }
}
