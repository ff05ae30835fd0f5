package dev.portcullis.app.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One raw socket to one server, kept alive across cases whose framing leaves it clean. Writes a
 * case's bytes as generated and reads one HTTP/1.1 answer (skipping 1xx) by Content-Length, by
 * chunks, or to the end of the connection; after a {@code 101} to {@code h2c} (a case that asks for
 * the upgrade), the HTTP/2 answer on stream 1 ({@link H2cAnswer}). Sockets close with a reset (linger 0), so a long run
 * leaves no TIME_WAIT behind to exhaust the loopback's ephemeral ports.
 */
final class RawConnection implements AutoCloseable {

  private static final int MAX_BODY = 8 << 20;

  private final int port;
  private final int timeoutMs;
  private final SlowAnswers slow;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  RawConnection(int port, int timeoutMs, SlowAnswers slow) {
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.slow = slow;
  }

  Answer exchange(FuzzCase c) {
    boolean reused = socket != null;
    Answer answer = once(c);
    if (reused && "no-answer".equals(answer.problem()) && c.ending == FuzzCase.Ending.COMPLETE) {
      // The server may have closed the idle kept-alive connection just before: once more, on a new one.
      answer = once(c);
    }
    return answer;
  }

  private Answer once(FuzzCase c) {
    byte[] wire = c.wire();
    try {
      if (socket == null) {
        socket = new Socket();
        socket.setSoLinger(true, 0);
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
        // Silent this long counts as hung; an answer after the answer timeout but before it is slow,
        // as for the HTTP-client half (a loaded machine, not the gateway, can take seconds).
        socket.setSoTimeout((int) slow.hangMs());
        in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
      }
      if (c.ending == FuzzCase.Ending.DISCONNECT) {
        out.write(wire, 0, Math.min(wire.length, c.disconnectAfter));
        out.flush();
        close();
        return Answer.problem("disconnected");
      }
      try {
        out.write(wire);
        out.flush();
        if (c.ending == FuzzCase.Ending.HALF_CLOSE) {
          socket.shutdownOutput();
        }
      } catch (IOException refusedWhileSending) {
        // The server may have answered (413, 431) and closed before reading everything: read what it said.
      }
      long sentAt = System.nanoTime();
      Answer answer = read(c.method.equals("HEAD"));
      slow.took((System.nanoTime() - sentAt) / 1_000_000L);
      String connection = answer.header("connection");
      if (!c.reusable || c.ending != FuzzCase.Ending.COMPLETE || answer.problem() != null
          || (connection != null && connection.toLowerCase(Locale.ROOT).contains("close"))
          || !"HTTP/1.1".equals(c.version)) {
        close();
      }
      return answer;
    } catch (SocketTimeoutException e) {
      close();
      return Answer.problem("timeout");
    } catch (IOException e) {
      close();
      // A reset while writing a request the server already refused (a 431 for huge headers) is an answer
      // we could not read: counted as no answer, as a client would see it.
      return Answer.problem("no-answer");
    }
  }

  private Answer read(boolean head) throws IOException {
    while (true) {
      String statusLine = line();
      if (statusLine == null) {
        return Answer.problem("no-answer");
      }
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        return Answer.problem("garbled");
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        return Answer.problem("garbled");
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String header = line(); header != null && !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        if (colon > 0) {
          headers.computeIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
              .add(header.substring(colon + 1).trim());
        }
      }
      if (status == 101 && "h2c".equalsIgnoreCase(String.valueOf(first(headers.get("upgrade"))))) {
        // The gateway took the h2c upgrade: the answer comes as HTTP/2 on stream 1.
        return H2cAnswer.read(in, out, MAX_BODY);
      }
      if (status >= 100 && status < 200) {
        continue;
      }
      byte[] body;
      List<String> te = headers.get("transfer-encoding");
      List<String> cl = headers.get("content-length");
      if (head || status == 204 || status == 304) {
        body = new byte[0];
      } else if (te != null && te.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
        body = chunked();
      } else if (cl != null) {
        body = exactly(Integer.parseInt(cl.get(0)));
      } else {
        body = toEnd();
      }
      return new Answer(status, headers, body, null);
    }
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      if (line.size() > 256 * 1024) {
        throw new IOException("line too long");
      }
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private byte[] exactly(int length) throws IOException {
    if (length > MAX_BODY) {
      throw new IOException("answer too large: " + length);
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new EOFException();
    }
    return body;
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line();
      if (sizeLine == null) {
        throw new EOFException();
      }
      int semicolon = sizeLine.indexOf(';');
      int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
          // trailers are not needed
        }
        return body.toByteArray();
      }
      body.write(exactly(size));
      line();
      if (body.size() > MAX_BODY) {
        throw new IOException("answer too large");
      }
    }
  }

  private byte[] toEnd() throws IOException {
    byte[] body = in.readNBytes(MAX_BODY);
    close();
    return body;
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a reset socket
      }
      socket = null;
    }
  }
}
