package dev.portcullis.app.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One generated request: what to send, to which server, how (raw socket or HTTP client), how the
 * sending ends, and what the judge needs to know to tell a right answer from a wrong one.
 */
final class FuzzCase {

  enum Server { GATEWAY, ADMIN, METRICS }

  /** RAW: bytes written to a socket as generated, so malformed HTTP is possible. CLIENT: a normal HTTP client. */
  enum Transport { RAW, CLIENT }

  /** COMPLETE: send all, read the answer. HALF_CLOSE: send all, shut the write side, read. DISCONNECT: drop the connection part way. */
  enum Ending { COMPLETE, HALF_CLOSE, DISCONNECT }

  record Header(String name, String value) {}

  final int index;
  Server server = Server.GATEWAY;
  Transport transport = Transport.CLIENT;
  Ending ending = Ending.COMPLETE;
  String method = "GET";
  String target = "/";
  String version = "HTTP/1.1";
  final List<Header> headers = new ArrayList<>();
  /** The body bytes as they go on the wire (already chunk-framed when the case says so). */
  byte[] body = new byte[0];
  /** RAW only: the generator set the framing headers itself (else Content-Length is added). */
  boolean customFraming;
  /** For DISCONNECT: how many bytes of the wire form go out before the connection is dropped. */
  int disconnectAfter;
  /** The API whose error format Portcullis' own answers must use (see {@link ErrorFormats}). */
  String api = "openai";
  /** 0: the upstream answers 2xx; -1: it drops the connection; else the status it was told to answer. */
  int upstreamFailure;
  /** A version Portcullis may refuse with 505. */
  boolean badVersion;
  /** The connection may carry the next case (the framing leaves no stray bytes behind). */
  boolean reusable = true;
  /** What was mangled, for grouping findings. */
  final List<String> tags = new ArrayList<>();

  FuzzCase(int index) {
    this.index = index;
  }

  FuzzCase tag(String tag) {
    tags.add(tag);
    return this;
  }

  FuzzCase header(String name, String value) {
    headers.add(new Header(name, value));
    return this;
  }

  boolean hasHeader(String name) {
    return headers.stream().anyMatch(h -> h.name().equalsIgnoreCase(name));
  }

  /** The request as it goes on the wire (for the HTTP client: as near as it comes, for the report). */
  byte[] wire() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head = method + " " + target + (version.isEmpty() ? "" : " " + version) + "\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    for (Header header : headers) {
      // A null value writes the bare name: a header line without a colon.
      String line = header.value() == null ? header.name() : header.name() + ": " + header.value();
      out.writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    if (transport == Transport.CLIENT || !customFraming) {
      if (body.length > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
        out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** The request for a report: printable, long runs elided, with how it was sent. */
  String reproducer(int limit) {
    return "seed-case " + index + " via " + (transport == Transport.RAW ? "raw socket" : "HTTP client")
        + " to the " + server.name().toLowerCase() + " port, ending " + ending
        + (ending == Ending.DISCONNECT ? " after " + disconnectAfter + " bytes" : "")
        + ", mangled: " + tags + "\n" + Printable.of(wire(), limit);
  }
}
