package dev.portcullis.app;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte by byte on a socket, for the requests no HTTP client will send (bad
 * request lines, broken chunked bodies, odd {@code Expect} headers), and the one answer read back.
 */
final class RawHttp {

  /** One answer: status, headers (lower-case names) and body; {@code status} -1 when none came. */
  record Answer(int status, Map<String, String> headers, String body, boolean closedWithoutAnswer, String statusLine) {

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    JsonObject json() {
      return new JsonObject(body);
    }

    /** The message of an OpenAI-format error body. */
    String openAiMessage() {
      return json().getJsonObject("error").getString("message");
    }
  }

  private RawHttp() {}

  /** Sends {@code request} as is and reads one answer (waiting up to {@code timeoutMs}). */
  static Answer exchange(int port, String request, long timeoutMs) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMs);
  }

  static Answer exchange(int port, byte[] request, long timeoutMs) throws IOException {
    return exchangeFrom("127.0.0.1", port, request, timeoutMs);
  }

  /**
   * Sends {@code request} from the local address {@code fromAddress}: 127.0.0.6 is loopback but not
   * this host's own address, as a sidecar's forwarded calls arrive.
   */
  static Answer exchangeFrom(String fromAddress, int port, byte[] request, long timeoutMs) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new java.net.InetSocketAddress(fromAddress, 0));
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), (int) timeoutMs);
      socket.setSoTimeout((int) timeoutMs);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return read(socket.getInputStream());
    }
  }

  /** A POST of a JSON body with the given headers, from {@code fromAddress}, one answer read back. */
  static Answer post(String fromAddress, int port, String path, Map<String, String> headers, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
        .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(bytes.length)
        .append("\r\nConnection: close\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    request.writeBytes(bytes);
    return exchangeFrom(fromAddress, port, request.toByteArray(), 20_000);
  }

  /** Reads one answer from {@code in}; a timeout or a close before any byte is "no answer". */
  static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return new Answer(-1, Map.of(), head.toString(StandardCharsets.ISO_8859_1), true, null);
        }
        head.write(b);
      }
    } catch (SocketTimeoutException e) {
      return new Answer(-1, Map.of(), head.toString(StandardCharsets.ISO_8859_1), false, null);
    } catch (IOException reset) {
      return new Answer(-1, Map.of(), head.toString(StandardCharsets.ISO_8859_1), true, null);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    String body;
    if (headers.containsKey("content-length")) {
      body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = readChunked(in);
    } else {
      body = "";
    }
    return new Answer(status, headers, body, false, lines[0]);
  }

  private static String readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line(in);
      int size = Integer.parseInt(sizeLine.trim(), 16);
      if (size == 0) {
        line(in);
        return body.toString(StandardCharsets.UTF_8);
      }
      body.write(in.readNBytes(size));
      line(in);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
