package dev.portcullis.common.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of {@link ServerLimits} that Vert.x 5.0.7 has no option for, and the answers Vert.x
 * would otherwise give without a body (or not at all). Installed on an {@link HttpServer}, it adds
 * two small Netty handlers to each HTTP/1.1 connection, around Vert.x's request decoder:
 *
 * <ul>
 *   <li>a header deadline: a connection must deliver complete request headers within
 *       {@code headerTimeoutMs} of opening, or of the first byte of its next request, else it is
 *       closed (one byte a second keeps no connection open); a keep-alive connection with no
 *       request in progress is closed after {@code keepAliveTimeoutMs};</li>
 *   <li>request checks: an HTTP version other than 1.0 or 1.1 gets 505 (a malformed one 400),
 *       more header fields than allowed get 431, both through the server's invalid-request
 *       handler so they are answered like an over-long line (414) or header block (431);</li>
 *   <li>a chunked body that turns out malformed (a bad chunk size) is answered 400 before the
 *       connection closes, and the request in progress fails with a {@link ProtocolRefusal} so
 *       its handler can tell this apart from a client that went away.</li>
 * </ul>
 *
 * Everything runs on the connection's event loop; nothing here blocks.
 */
public final class ConnectionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final String DECODER = "httpDecoder";
  private static final String VERTX_HANDLER = "handler";
  private static final AttributeKey<State> STATE = AttributeKey.valueOf("portcullis.connectionGuard");
  /** Bytes of a request's start kept to name its target when the decoder could not read the line. */
  private static final int REQUEST_START_BYTES = 256;
  private static final String NETTY_PLACEHOLDER_URI = "/bad-request";

  private final ServerLimits limits;
  private final ErrorPage errorPage;
  private final String serverName;

  private ConnectionGuard(ServerLimits limits, ErrorPage errorPage, String serverName) {
    this.limits = limits;
    this.errorPage = errorPage;
    this.serverName = serverName;
  }

  /**
   * Guards every connection of {@code server}: sets its connection, invalid-request and exception
   * handlers (call before {@code listen}).
   */
  public static HttpServer install(HttpServer server, ServerLimits limits, ErrorPage errorPage, String serverName) {
    ConnectionGuard guard = new ConnectionGuard(limits, errorPage, serverName);
    return server.connectionHandler(guard::attach)
        .invalidRequestHandler(guard::answerInvalid)
        // Resets, half-sent requests and the like are the client's business: one DEBUG line, no trace.
        .exceptionHandler(err -> LOG.debug("{}: connection error: {}", serverName, describe(err)));
  }

  private void attach(HttpConnection connection) {
    // The server's exception handler covers errors before a connection is set up; this one covers
    // the connection's own (a reset, a line Netty cannot frame): the client's business, one DEBUG line.
    connection.exceptionHandler(err -> LOG.debug("{}: connection error: {}", serverName, describe(err)));
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    if (pipeline.get(DECODER) == null || pipeline.get(VERTX_HANDLER) == null) {
      // Not an HTTP/1.x pipeline (HTTP/2 is off on every Portcullis server): nothing to guard.
      return;
    }
    State state = new State();
    base.channel().attr(STATE).set(state);
    pipeline.addBefore(DECODER, "portcullisFirstByte", new FirstByteWatcher(state));
    pipeline.addBefore(VERTX_HANDLER, "portcullisRequestWatcher", new RequestWatcher(state));
  }

  /** Answers a request the decoder (or {@link RequestWatcher}) marked as unreadable; Vert.x then closes. */
  private void answerInvalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ProtocolRefusal refusal = ProtocolRefusal.of(cause);
    LOG.debug("{}: refused a malformed request with {}: {}", serverName, refusal.status(), describe(cause));
    HttpServerResponse response = request.response();
    ErrorPage.Page page = errorPage.render(targetOf(request), refusal.status(), refusal.getMessage());
    response.setStatusCode(refusal.status()).putHeader("content-type", page.contentType())
        .putHeader("connection", "close");
    page.headers().forEach(response::putHeader);
    response.end(io.vertx.core.buffer.Buffer.buffer(page.body()));
  }

  /**
   * The request target, for choosing the error format: when the decoder gave up on the request
   * line (too long, garbled) its placeholder is replaced by the target read from the line's first
   * bytes, so a 414 on {@code /v1/anthropic/...} still comes in Anthropic's format.
   */
  private static String targetOf(HttpServerRequest request) {
    String uri;
    try {
      uri = request.uri();
    } catch (RuntimeException unreadable) {
      uri = null;
    }
    if (uri != null && !uri.equals(NETTY_PLACEHOLDER_URI)) {
      return uri;
    }
    State state = request.connection() instanceof ConnectionBase base ? base.channel().attr(STATE).get() : null;
    return state == null ? uri : state.targetFromRequestStart();
  }

  private static String describe(Throwable err) {
    return err == null ? "unknown" : err.getClass().getSimpleName() + (err.getMessage() == null ? ""
        : ": " + truncate(err.getMessage()));
  }

  private static String truncate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /** Per-connection bookkeeping, touched only on the connection's event loop. */
  private final class State {
    int openRequests;
    /** From a request's head until the last byte of its body has been decoded. */
    boolean inRequest;
    /** A request was fully read: the next bytes begin a new one, whose start is kept afresh. */
    boolean startAfresh = true;
    boolean responseStarted;
    String currentUri;
    boolean refusedBody;
    /** An answer with {@code Connection: close} went out: nothing more is answered on this connection. */
    boolean closing;
    /** The first bytes of the current request, kept as they came (ISO-8859-1 when read as text). */
    final byte[] requestStart = new byte[REQUEST_START_BYTES];
    int requestStartLength;
    boolean capturing = true;

    /** Which deadline runs now, if any, and when it is due ({@link System#nanoTime()}). */
    Waiting waiting = Waiting.NOTHING;
    long dueNanos;
    /**
     * The one timer of this connection. Deadlines change on every request (headers arrive, an
     * answer ends), so instead of cancelling and scheduling a timer each time (a measurable share
     * of a proxied call's CPU), a running timer is left alone: when it fires it closes the
     * connection only if a deadline is still waited for and due, and otherwise waits for what is
     * left. It is never scheduled further than a header timeout ahead, so it always fires by the
     * time the nearest deadline can fall due.
     */
    ScheduledFuture<?> timer;

    /** Keeps the first bytes of a request, as they came. */
    void capture(ByteBuf bytes) {
      int take = Math.min(bytes.readableBytes(), REQUEST_START_BYTES - requestStartLength);
      bytes.getBytes(bytes.readerIndex(), requestStart, requestStartLength, take);
      requestStartLength += take;
      if (requestStartLength >= REQUEST_START_BYTES) {
        capturing = false;
      }
    }

    /** The target of the kept request line ({@code /v1/...}), or {@code null}. */
    String targetFromRequestStart() {
      int slash = -1;
      for (int i = 0; i < requestStartLength; i++) {
        if (requestStart[i] == '/') {
          slash = i;
          break;
        }
      }
      if (slash < 0) {
        return null;
      }
      int end = slash;
      while (end < requestStartLength && (requestStart[end] & 0xff) > ' ') {
        end++;
      }
      return new String(requestStart, slash, end - slash, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    void armHeaderDeadline(ChannelHandlerContext ctx) {
      if (waiting != Waiting.HEADERS) {
        await(ctx, Waiting.HEADERS, limits.headerTimeoutMs());
      }
    }

    void armKeepAlive(ChannelHandlerContext ctx) {
      await(ctx, Waiting.KEEP_ALIVE, limits.keepAliveTimeoutMs());
    }

    void headersArrived() {
      waiting = Waiting.NOTHING;
    }

    void cancelKeepAlive() {
      if (waiting == Waiting.KEEP_ALIVE) {
        waiting = Waiting.NOTHING;
      }
    }

    void closed() {
      waiting = Waiting.NOTHING;
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    private void await(ChannelHandlerContext ctx, Waiting what, long timeoutMs) {
      waiting = what;
      dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      if (timer == null) {
        schedule(ctx, TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMs, limits.headerTimeoutMs())));
      }
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
      timer = ctx.executor().schedule(() -> fired(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void fired(ChannelHandlerContext ctx) {
      timer = null;
      if (waiting == Waiting.NOTHING || !ctx.channel().isActive()) {
        return;
      }
      long left = dueNanos - System.nanoTime();
      if (left > 0) {
        schedule(ctx, Math.min(left, TimeUnit.MILLISECONDS.toNanos(limits.headerTimeoutMs())));
        return;
      }
      if (waiting == Waiting.HEADERS) {
        LOG.debug("{}: closed a connection that sent no complete request headers within {} ms", serverName,
            limits.headerTimeoutMs());
      } else {
        LOG.debug("{}: closed a keep-alive connection idle for {} ms", serverName, limits.keepAliveTimeoutMs());
      }
      waiting = Waiting.NOTHING;
      ctx.channel().close();
    }
  }

  /** The deadline a connection is held to between requests. */
  private enum Waiting { NOTHING, HEADERS, KEEP_ALIVE }

  /** Sees the raw bytes: the first byte of a request starts its header deadline. */
  private final class FirstByteWatcher extends ChannelInboundHandlerAdapter {

    private final State state;

    FirstByteWatcher(State state) {
      this.state = state;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      // A connection that sends nothing at all is held to the same deadline.
      state.armHeaderDeadline(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
        if (state.startAfresh) {
          // The previous request was decoded to its end: these bytes begin the next one, whose
          // first bytes are kept to name its API should its request line turn out unreadable.
          state.startAfresh = false;
          state.requestStartLength = 0;
          state.capturing = true;
        }
        if (state.capturing) {
          state.capture(bytes);
        }
        // Bytes while no request is being decoded start the header deadline. (Not "no request
        // open": a request answered early, a 404 say, may still be sending its body.)
        if (!state.inRequest && state.openRequests == 0) {
          state.armHeaderDeadline(ctx);
        }
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      state.closed();
      ctx.fireChannelInactive();
    }
  }

  /** Sees decoded requests going in and responses going out. */
  private final class RequestWatcher extends ChannelDuplexHandler {

    private final State state;

    RequestWatcher(State state) {
      this.state = state;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (state.refusedBody) {
        // The connection is closing after a 400: the rest of its bytes mean nothing.
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpRequest request) {
        state.inRequest = true;
        state.headersArrived();
        state.capturing = false;
        state.openRequests++;
        state.responseStarted = false;
        state.currentUri = request.uri();
        check(request);
      }
      if (msg instanceof HttpContent content && content.decoderResult().isFailure()
          && !(msg instanceof HttpRequest)) {
        refuseBody(ctx, content);
        return;
      }
      if (msg instanceof LastHttpContent) {
        state.inRequest = false;
        state.startAfresh = true;
      }
      ctx.fireChannelRead(msg);
    }

    private void check(HttpRequest request) {
      HttpVersion version = request.protocolVersion();
      boolean supported = version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0;
      if (!supported) {
        // The answer's status line is HTTP/1.1, never an echo of what the client made up ("HTTTP/1.1"),
        // whatever else is wrong with the request.
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
      }
      if (!request.decoderResult().isSuccess()) {
        return;
      }
      // Vert.x serves only these two instances; anything else it answers with an empty 501.
      if (!supported) {
        boolean malformed = version.majorVersion() == 1 && (version.minorVersion() == 0 || version.minorVersion() == 1);
        request.setDecoderResult(DecoderResult.failure(malformed
            ? new ProtocolRefusal(400, "The request line's HTTP version is malformed: send HTTP/1.1.")
            : new ProtocolRefusal(505, "HTTP version " + version.majorVersion() + "." + version.minorVersion()
                + " is not supported: send HTTP/1.1.")));
        return;
      }
      if (request.headers().size() > limits.maxHeaderCount()) {
        request.setDecoderResult(DecoderResult.failure(new ProtocolRefusal(431,
            "The request has more than " + limits.maxHeaderCount() + " header fields.")));
        return;
      }
      String framingProblem = framingProblem(request);
      if (framingProblem != null) {
        request.setDecoderResult(DecoderResult.failure(new ProtocolRefusal(400, framingProblem)));
      }
    }

    /**
     * Why the body's length cannot be trusted (RFC 9112, 6.3), or {@code null}: a Transfer-Encoding
     * other than exactly {@code chunked} (with a coding after chunked the body would run to the end
     * of the connection, and Netty would read "chunked, gzip" as chunked all the same). Refused, and
     * the connection closed. Next to {@code chunked}, a Content-Length has already been dropped by
     * Netty, as the RFC says (Transfer-Encoding overrides it); nothing is forwarded with the
     * client's framing, so no smuggling can follow from it.
     */
    private static String framingProblem(HttpRequest request) {
      java.util.List<String> encodings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
      if (encodings.isEmpty()) {
        return null;
      }
      String all = String.join(",", encodings);
      String[] codings = all.split(",");
      if (codings.length != 1 || !codings[0].trim().equalsIgnoreCase("chunked")) {
        return "Transfer-Encoding must be exactly 'chunked' (got '" + truncate(all) + "').";
      }
      return null;
    }

    private void refuseBody(ChannelHandlerContext ctx, HttpContent content) {
      Throwable cause = content.decoderResult().cause();
      ReferenceCountUtil.release(content);
      state.refusedBody = true;
      ProtocolRefusal refusal = new ProtocolRefusal(400, "The request body is malformed (" + chunkProblem(cause)
          + ") and could not be read.");
      LOG.debug("{}: refused a malformed request body: {}", serverName, describe(cause));
      if (state.openRequests > 0 && !state.responseStarted) {
        answerAndClose(ctx, state.currentUri, refusal.getMessage());
      }
      // An answer Vert.x already wrote (a route that does not read bodies answers at once) may be
      // waiting for the end of this read to be flushed: flush it now, before the connection closes.
      ctx.flush();
      // Vert.x fails the request in progress with this cause and closes the connection.
      ctx.fireExceptionCaught(refusal);
    }

    private static String chunkProblem(Throwable cause) {
      return cause instanceof NumberFormatException || cause instanceof IllegalArgumentException
          ? "bad chunk size" : "bad framing";
    }

    /**
     * A request the decoder could not even frame (a bare LF ending a line, say) surfaces as an
     * exception, not as a failed message: answered 400 when nothing was answered yet, then the
     * connection closes; one DEBUG line, never Vert.x's ERROR for an unhandled connection error.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof io.netty.handler.codec.DecoderException)) {
        ctx.fireExceptionCaught(cause);
        return;
      }
      LOG.debug("{}: refused a request that could not be decoded: {}", serverName, describe(cause));
      if (state.responseStarted && state.openRequests > 0 || state.refusedBody || state.closing) {
        ctx.flush();
        ctx.close();
        return;
      }
      state.refusedBody = true;
      answerAndClose(ctx, state.targetFromRequestStart(), "The request could not be decoded as HTTP/1.1.");
    }

    /** A 400 written here, past Vert.x (which has no request to answer), then the connection closes. */
    private void answerAndClose(ChannelHandlerContext ctx, String target, String message) {
      ErrorPage.Page page = errorPage.render(target, 400, message);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
          Unpooled.wrappedBuffer(page.body()));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, page.contentType())
          .set(HttpHeaderNames.CONTENT_LENGTH, page.body().length)
          .set(HttpHeaderNames.CONNECTION, "close");
      page.headers().forEach(response.headers()::set);
      state.responseStarted = true;
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      boolean interim = msg instanceof HttpResponse response && response.status().code() < 200;
      if (!interim) {
        if (msg instanceof HttpResponse response) {
          state.responseStarted = true;
          if (response.headers().contains(HttpHeaderNames.CONNECTION, "close", true)) {
            state.closing = true;
          }
        }
        if (msg instanceof LastHttpContent && state.openRequests > 0 && --state.openRequests == 0
            && !state.refusedBody) {
          state.armKeepAlive(ctx);
        }
      }
      ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      state.closed();
      ctx.fireChannelInactive();
    }
  }
}
