package dev.portcullis.app.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * The mangling of everything around the body: methods, paths, query strings, headers, and (raw
 * sockets only) request lines, versions, framing and endings. Each applied mangling is tagged.
 */
final class Mangle {

  private Mangle() {}

  static String method(Pick pick, FuzzCase c) {
    c.tag("method");
    if (c.transport == FuzzCase.Transport.RAW && pick.chance(0.3)) {
      return pick.one("", "GET POST", "P\u00d8ST", "GE\tT", "CONNECT", "PRI", "M".repeat(pick.between(100, 10_000)), "POST\u0000");
    }
    return pick.one("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "post", "Get", "FOO", "G",
        "PROPFIND", "M".repeat(64));
  }

  /** A model id or model path parameter that must not become another upstream path. */
  static String modelSegment(Pick pick, FuzzCase c) {
    c.tag("path:odd-model");
    return pick.one("..", "%2e%2e", "%2E%2E", "a%2Fb", "..%2F..%2Fadmin", "x%3Fy=1", "x%23y", "%00", "a%252Fb",
        "gemini-2.5-flash%2F..%2F..%2Fv1%2Fmodels", "%zz", "%", "m".repeat(pick.between(300, 20_000)), "",
        "amazon.nova%3A0%2F..", "%E6%A8%A1%E5%9E%8B", "a;b", ".", "a%5Cb", "%C0%AE%C0%AE");
  }

  static String path(Pick pick, FuzzCase c, String path) {
    if (!pick.chance(0.35)) {
      return path;
    }
    boolean raw = c.transport == FuzzCase.Transport.RAW;
    int kinds = raw ? 22 : 15;
    String out = path;
    for (int n = pick.between(1, 2); n > 0; n--) {
      int kind = pick.between(0, kinds - 1);
      if (out.length() < 2) {
        break;  // nothing between the leading '/' and the end to mangle
      }
      int at = pick.between(1, out.length() - 1);
      switch (kind) {
        case 0 -> {
          c.tag("path:percent-encoded");
          char ch = out.charAt(at);
          out = out.substring(0, at) + String.format("%%%02X", (int) ch) + out.substring(at + 1);
        }
        case 1 -> {
          c.tag("path:bad-escape");
          out = out.substring(0, at) + pick.one("%zz", "%", "%4", "%%", "%G0", "%-1") + out.substring(at);
        }
        case 2 -> {
          c.tag("path:dot-segments");
          int slash = out.indexOf('/', at);
          out = slash < 0 ? out + pick.one("/..", "/.", "/../..") : out.substring(0, slash) + pick.one("/..", "/.", "/../..", "/x/..", "/%2e%2e", "/.%2e") + out.substring(slash);
        }
        case 3 -> {
          c.tag("path:encoded-slash");
          int slash = out.indexOf('/', at);
          out = slash < 0 ? out + "%2F" : out.substring(0, slash) + pick.one("%2F", "%2f", "%252F", "%5C") + out.substring(slash + 1);
        }
        case 4 -> {
          c.tag("path:empty-segment");
          int slash = out.indexOf('/', at);
          out = slash < 0 ? out + "//" : out.substring(0, slash) + "//" + out.substring(slash + 1);
        }
        case 5 -> {
          c.tag("path:trailing");
          out = out + pick.one("/", "//", "/.", "%20", ";", "?");
        }
        case 6 -> {
          c.tag("path:matrix-param");
          out = out.substring(0, at) + ";jsessionid=1" + out.substring(at);
        }
        case 7 -> {
          int length = pick.chance(0.9) ? pick.between(1_000, 20_000) : pick.between(60_000, 80_000);
          c.tag(length > 60_000 ? "path:overlong-64k" : "path:overlong");
          out = out + "/" + "a".repeat(length);
        }
        case 8 -> {
          c.tag("path:case");
          out = out.toUpperCase();
        }
        case 9 -> {
          c.tag("path:nul");
          out = out.substring(0, at) + "%00" + out.substring(at);
        }
        case 10 -> {
          c.tag("path:encoded-unicode");
          out = out.substring(0, at) + pick.one("%E6%A8%A1", "%C0%AF", "%ED%A0%80", "%F0%9F%98%80", "%FF") + out.substring(at);
        }
        case 11 -> {
          c.tag("path:fragment");
          out = out + "#" + pick.one("x", "/../admin", "");
        }
        case 12 -> {
          c.tag("path:many-segments");
          out = out + "/a".repeat(pick.between(100, 5_000));
        }
        case 13 -> {
          c.tag("path:dot-prefix");
          out = pick.one("/./", "/../", "/x/../", "//") + out.substring(1);
        }
        case 14 -> {
          c.tag("path:encoded-question");
          out = out.substring(0, at) + "%3F" + out.substring(at);
        }
        case 15 -> {
          c.tag("path:raw-unicode");
          out = out.substring(0, at) + pick.one("\u6a21", "\u00e9", "\ud83d\ude00", "\u202e") + out.substring(at);
        }
        case 16 -> {
          c.tag("path:space");
          out = out.substring(0, at) + pick.one(" ", "\t", "  x ") + out.substring(at);
        }
        case 17 -> {
          c.tag("path:absolute-form");
          out = pick.one("http://127.0.0.1", "http://evil.example", "https://127.0.0.1:1", "http://[::1]") + out;
        }
        case 18 -> {
          c.tag("path:asterisk-or-empty");
          out = pick.one("*", "", "v1/openai/chat/completions", "?x=1");
        }
        case 19 -> {
          c.tag("path:backslash");
          out = out.replace('/', pick.chance(0.5) ? '\\' : '/').replaceFirst("\\\\", "/");
        }
        case 20 -> {
          c.tag("path:control-char");
          out = out.substring(0, at) + pick.one("\u0000", "\u0001", "\u007f", "\r", "\u001b") + out.substring(at);
        }
        default -> {
          c.tag("path:latin1");
          out = out.substring(0, at) + "\u00ff\u00fe" + out.substring(at);
        }
      }
    }
    return out;
  }

  static String query(Pick pick, FuzzCase c, String provider) {
    if (!pick.chance(provider.equals("gemini") ? 0.45 : 0.25)) {
      return "";
    }
    c.tag("query");
    String passthrough = Canaries.providerKey("gemini", "passthrough");
    String query = pick.one("?key=" + passthrough, "?alt=sse", "?a=%zz", "?%6Bey=" + passthrough, "?a=1&a=2&a=3",
        "?" + "q=" + "x".repeat(pick.between(1_000, 20_000)), "?", "?&&=&", "?k=%E6%A8%A1", "?key", "?key=",
        "?api-version=2024-02-01", "?a=%", "?=x", "?a[b]=c", "?key=x&key=" + passthrough, "?alt=sse&alt=json",
        "?" + "a=1&".repeat(pick.between(100, 3_000)), "?a=%00", "?a=%2F..%2F");
    if (query.contains("%zz") || query.equals("?a=%")) {
      c.tag("query:bad-escape");
    }
    return query;
  }

  /** Header mangling both transports can send. */
  static void headers(Pick pick, FuzzCase c) {
    if (c.transport == FuzzCase.Transport.RAW) {
      c.headers.add(0, new FuzzCase.Header("Host", "127.0.0.1"));
    }
    if (pick.chance(0.12) && c.hasHeader("Content-Type")) {
      c.tag("header:content-type");
      c.headers.removeIf(h -> h.name().equalsIgnoreCase("Content-Type"));
      String type = pick.one("", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b",
          "multipart/form-data", "application/json; charset=utf-16", "application/json; charset=nope", "garbage",
          "application/json, text/plain", "application/*", "application/json;" + "x".repeat(5000), "APPLICATION/JSON");
      if (!type.isEmpty()) {
        c.header("Content-Type", type);
      }
    }
    if (!pick.chance(0.3)) {
      return;
    }
    switch (pick.between(0, 11)) {
      case 0 -> {
        c.tag("header:duplicate");
        String name = pick.one("Content-Type", "Authorization", "x-api-key", "x-goog-api-key", "Accept", "anthropic-version");
        c.header(name, pick.one("application/json", "text/plain", "x", "Bearer y"));
      }
      case 1 -> {
        int size = pick.chance(0.8) ? pick.between(1_000, 30_000) : pick.between(66_000, 100_000);
        c.tag(size > 65_536 ? "header:huge-over-64k" : "header:large");
        c.header("X-Large", "v".repeat(size));
      }
      case 2 -> {
        int count = pick.one(100, 300, 2_000);
        c.tag("header:many-" + count);
        for (int i = 0; i < count; i++) {
          c.header("X-H" + i, "v");
        }
      }
      case 3 -> {
        c.tag("header:content-encoding");
        c.header("Content-Encoding", pick.one("gzip", "br", "deflate", "identity", "x"));
      }
      case 4 -> {
        c.tag("header:identity-selection");
        c.header(pick.one("OpenAI-Organization", "OpenAI-Project", "x-goog-user-project", "anthropic-beta", "x-amz-security-token"),
            pick.one("org-fuzz", "", "x".repeat(3000)));
      }
      case 5 -> {
        c.tag("header:forwarded");
        c.header(pick.one("X-Forwarded-For", "Forwarded", "X-Real-IP"), pick.one("127.0.0.1", "::1", "1.2.3.4, 127.0.0.1",
            "for=\"[::1]\"", "garbage", "300.300.300.300"));
      }
      case 6 -> {
        c.tag("header:accept");
        c.header("Accept", pick.one("text/event-stream", "*/*;q=x", "application/xml", "", "x".repeat(2000)));
        c.header("Accept-Encoding", pick.one("gzip", "br, zstd", "*;q=0", "x"));
      }
      case 7 -> {
        c.tag("header:anthropic-version");
        c.header("anthropic-version", pick.one("2023-06-01", "", "9999-99-99", "x"));
      }
      case 8 -> {
        c.tag("header:request-id");
        c.header("x-portcullis-request-id", pick.one("x", "../../", "a".repeat(500)));
      }
      case 9 -> {
        c.tag("header:empty-value");
        c.header(pick.one("Authorization", "Content-Type", "x-api-key", "X-Empty"), "");
      }
      case 10 -> {
        c.tag("header:cookie");
        c.header("Cookie", "a=" + "b".repeat(pick.between(1, 8_000)));
      }
      default -> {
        c.tag("header:odd-name");
        c.header(pick.one("X-Odd_Name", "X-" + "N".repeat(pick.between(100, 5_000)), "x-ODD-case"), "1");
      }
    }
  }

  /** What only a raw socket can send: broken header lines, framing, versions, disconnects. */
  static void rawOnly(Pick pick, FuzzCase c) {
    if (pick.chance(0.12)) {
      switch (pick.between(0, 8)) {
        case 0 -> {
          c.tag("raw-header:control-char");
          c.header("X-Ctl", "a" + pick.one("\u0000", "\u0001", "\u007f", "\r", "\u001b", "\u000b") + "b");
          c.reusable = false;
        }
        case 1 -> {
          c.tag("raw-header:obs-fold");
          c.header("X-Fold", "a\r\n b");
        }
        case 2 -> {
          c.tag("raw-header:no-colon");
          c.headers.add(new FuzzCase.Header("NoColonHere", null));
          c.header("Bad Name", "x");
          c.reusable = false;
        }
        case 3 -> {
          c.tag("raw-header:empty-name");
          c.header("", "x");
          c.reusable = false;
        }
        case 4 -> {
          c.tag("raw-header:non-ascii");
          c.header("X-Utf8", "\u6f22\u00e9\ud83d\ude00");
        }
        case 5 -> {
          c.tag("raw-header:host");
          c.headers.removeIf(h -> h.name().equals("Host"));
          if (pick.chance(0.5)) {
            c.header("Host", "a").header("Host", "b");
          } else if (pick.chance(0.5)) {
            c.header("Host", pick.one("", "[::1", "a b", "x".repeat(3000)));
          }
        }
        case 6 -> {
          c.tag("raw-header:expect");
          c.header("Expect", pick.one("100-continue", "200-ok", "100-Continue", "", "x", "100-continue, x"));
        }
        case 7 -> {
          c.tag("raw-header:upgrade");
          c.header("Connection", "Upgrade, HTTP2-Settings").header("Upgrade", pick.one("h2c", "websocket", "x"))
              .header("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA");
          c.reusable = false;
        }
        default -> {
          c.tag("raw-header:connection");
          c.header("Connection", pick.one("close", "keep-alive, close", "x", "TE"));
          c.reusable = false;
        }
      }
    }
    if (pick.chance(0.15)) {
      framing(pick, c);
    }
    if (pick.chance(0.05)) {
      c.reusable = false;
      String version = pick.one("HTTP/1.0", "HTTP/9.9", "http/1.1", "HTTP/2.0", "HTTP/1.1 ", "", "HTTP/1", "HTTP/1.1.1",
          "HTTP/0.9", "HTTP/1.10", "HTTTP/1.1");
      c.version = version;
      c.badVersion = !version.equals("HTTP/1.0");
      c.tag("raw:version " + (version.isEmpty() ? "(none)" : version));
    }
    double end = pick.random.nextDouble();
    if (end < 0.10) {
      c.ending = FuzzCase.Ending.DISCONNECT;
      c.reusable = false;
      int length = c.wire().length;
      // Anywhere in the request, or right after it (the client goes away while the call is in flight).
      c.disconnectAfter = pick.chance(0.3) ? length : pick.between(0, Math.max(0, length - 1));
      c.tag("raw:disconnect");
    } else if (end < 0.13) {
      c.ending = FuzzCase.Ending.HALF_CLOSE;
      c.reusable = false;
      c.tag("raw:half-close");
    }
  }

  private static void framing(Pick pick, FuzzCase c) {
    c.customFraming = true;
    c.reusable = false;
    byte[] body = c.body;
    switch (pick.between(0, 9)) {
      case 0 -> {
        c.tag("framing:bad-content-length");
        c.header("Content-Length", pick.one("-1", "abc", " " + body.length + " ", "+" + body.length, "1e3",
            "99999999999999999999", "0x10", body.length + ", " + body.length, ""));
      }
      case 1 -> {
        c.tag("framing:two-content-lengths");
        c.header("Content-Length", String.valueOf(body.length)).header("Content-Length", String.valueOf(body.length + 1));
      }
      case 2 -> {
        c.tag("framing:content-length-short");
        c.header("Content-Length", String.valueOf(Math.max(0, body.length - pick.between(1, 10))));
      }
      case 3 -> {
        // Longer than what is sent: the server waits for the rest, so this one can only end by the client.
        c.tag("framing:content-length-long");
        c.header("Content-Length", String.valueOf(body.length + pick.between(1, 100_000)));
        c.ending = FuzzCase.Ending.DISCONNECT;
        c.disconnectAfter = Integer.MAX_VALUE;
      }
      case 4 -> {
        c.tag("framing:chunked");
        c.header("Transfer-Encoding", pick.one("chunked", "Chunked", "gzip, chunked", "chunked, chunked"));
        c.body = chunked(pick, body, null);
      }
      case 5 -> {
        c.header("Transfer-Encoding", "chunked");
        String badSize = pick.one("zz", "-1", "", "1 2", "0x10", "g", "ffffffffffffffff", "1" + "0".repeat(40),
            "1;ext=" + "e".repeat(5_000));
        boolean unparseable = !(badSize.startsWith("ffff") || badSize.startsWith("1000") || badSize.startsWith("1;"));
        c.tag(unparseable ? "framing:bad-chunk-size" : "framing:huge-chunk-size");
        c.body = chunked(pick, body, badSize);
        if (!unparseable) {
          // The server may rightly wait for the declared bytes: end the sending so it sees the end.
          c.ending = FuzzCase.Ending.HALF_CLOSE;
        }
      }
      case 6 -> {
        c.tag("framing:te-and-cl");
        c.header("Content-Length", String.valueOf(body.length)).header("Transfer-Encoding", "chunked");
        c.body = chunked(pick, body, null);
      }
      case 7 -> {
        c.tag("framing:odd-te");
        c.header("Transfer-Encoding", pick.one("chunked, gzip", "identity", "xchunked", "gzip", "", "chunked\u000b"));
        c.header("Content-Length", String.valueOf(body.length));
      }
      case 8 -> {
        c.tag("framing:none");
      }
      default -> {
        c.tag("framing:te-twice");
        c.header("Transfer-Encoding", "chunked").header("Transfer-Encoding", "identity");
        c.body = chunked(pick, body, null);
      }
    }
  }

  /** The body in chunks of random sizes; with {@code badSize}, the first chunk's size line is that instead. */
  private static byte[] chunked(Pick pick, byte[] body, String badSize) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int at = 0;
    boolean first = true;
    while (at < body.length || (first && badSize != null)) {
      int size = Math.min(body.length - at, pick.between(1, 8_192));
      String sizeLine = Integer.toHexString(size);
      if (first && badSize != null) {
        sizeLine = badSize;
      } else if (pick.chance(0.05)) {
        sizeLine = sizeLine + ";name=value";
      }
      first = false;
      out.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, at, size);
      out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      at += size;
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }
}
