package dev.portcullis.app.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the answer to an HTTP/1.1 request that the server upgraded to h2c (RFC 7540, 3.2): the
 * client sends its connection preface, and the answer to the request is HTTP/2 stream 1, a
 * HEADERS block (HPACK, decoded by Netty's decoder) and DATA frames until END_STREAM. Just enough
 * HTTP/2 for the fuzz's raw client: settings are acknowledged, flow-control credit is returned for
 * every DATA frame, other frames are skipped.
 */
final class H2cAnswer {

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int GOAWAY = 7;
  private static final int CONTINUATION = 9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;

  private H2cAnswer() {}

  static Answer read(InputStream in, OutputStream out, int maxBody) throws IOException {
    out.write(PREFACE);
    frame(out, SETTINGS, 0, 0, new byte[0]);
    out.flush();
    DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    Map<String, List<String>> headers = null;
    int status = 0;
    while (true) {
      byte[] head = in.readNBytes(9);
      if (head.length < 9) {
        return Answer.problem("no-answer");
      }
      int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | head[2] & 0xff;
      int type = head[3] & 0xff;
      int flags = head[4] & 0xff;
      int stream = ((head[5] & 0x7f) << 24) | (head[6] & 0xff) << 16 | (head[7] & 0xff) << 8 | head[8] & 0xff;
      if (length > 1 << 24) {
        return Answer.problem("garbled");
      }
      byte[] payload = in.readNBytes(length);
      if (payload.length < length) {
        throw new EOFException();
      }
      if (type == SETTINGS && (flags & ACK) == 0) {
        frame(out, SETTINGS, ACK, 0, new byte[0]);
        out.flush();
      } else if (type == GOAWAY || type == RST_STREAM && stream == 1) {
        return Answer.problem("no-answer");
      } else if ((type == HEADERS || type == CONTINUATION) && stream == 1) {
        block.write(type == HEADERS ? unpadded(payload, flags, true) : payload);
        if ((flags & END_HEADERS) != 0) {
          Http2Headers decoded = decode(decoder, block.toByteArray());
          block.reset();
          CharSequence code = decoded.status();
          if (code != null && headers == null) {
            int parsed = Integer.parseInt(code.toString());
            if (parsed >= 200) {
              status = parsed;
              headers = new LinkedHashMap<>();
              for (Map.Entry<CharSequence, CharSequence> entry : decoded) {
                String name = entry.getKey().toString().toLowerCase(Locale.ROOT);
                if (!name.startsWith(":")) {
                  headers.computeIfAbsent(name, k -> new ArrayList<>()).add(entry.getValue().toString());
                }
              }
            }
          }
        }
        if ((flags & END_STREAM) != 0 && headers != null) {
          return new Answer(status, headers, body.toByteArray(), null);
        }
      } else if (type == DATA && stream == 1) {
        body.write(unpadded(payload, flags, false));
        if (body.size() > maxBody) {
          throw new IOException("answer too large");
        }
        if (length > 0) {
          byte[] credit = {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
          frame(out, 8, 0, 0, credit);
          frame(out, 8, 0, 1, credit);
          out.flush();
        }
        if ((flags & END_STREAM) != 0) {
          return headers == null ? Answer.problem("garbled") : new Answer(status, headers, body.toByteArray(), null);
        }
      }
    }
  }

  private static byte[] unpadded(byte[] payload, int flags, boolean headers) throws IOException {
    int start = 0;
    int end = payload.length;
    if ((flags & PADDED) != 0) {
      if (payload.length == 0) {
        throw new IOException("bad padding");
      }
      start = 1;
      end -= payload[0] & 0xff;
    }
    if (headers && (flags & PRIORITY) != 0) {
      start += 5;
    }
    if (end < start) {
      throw new IOException("bad padding");
    }
    return java.util.Arrays.copyOfRange(payload, start, end);
  }

  private static Http2Headers decode(DefaultHttp2HeadersDecoder decoder, byte[] block) throws IOException {
    ByteBuf bytes = Unpooled.wrappedBuffer(block);
    try {
      return decoder.decodeHeaders(1, bytes);
    } catch (Http2Exception e) {
      throw new IOException("bad header block: " + e.getMessage(), e);
    } finally {
      bytes.release();
    }
  }

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
    int length = payload.length;
    out.write(new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
        (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
    out.write(payload);
  }
}
