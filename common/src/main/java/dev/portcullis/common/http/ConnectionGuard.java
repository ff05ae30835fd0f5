package dev.portcullis.common.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
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
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
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
 * On a server that also speaks HTTP/2 in clear ({@link #watchAccepts}), Vert.x sets a connection
 * up only once it has seen its first bytes (the HTTP/2 preface, or not) and, for HTTP/1.1, its
 * first complete request (which may ask for an {@code h2c} upgrade); so the first-byte watcher is
 * put on every connection as it is accepted instead, holds it to the same header deadline, and
 * adds the request checks as soon as the bytes turn out to be HTTP/1.1. An HTTP/2 connection is
 * left to Vert.x's HTTP/2 codec and the server's HTTP/2 settings ({@link ServerLimits#http2Settings})
 * once its first request has arrived within the header deadline ({@link #requestArrived}).
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
  /**
   * How long a connection to be closed waits for more of an answered request's bytes (see
   * {@link RequestWatcher#close}): it closes once the client has sent nothing for this long.
   */
  static final long LINGER_MS = 1_000;
  /**
   * The longest a connection lingers however steadily its client goes on sending: a client that
   * keeps sending longer is cut off anyway (and may then miss the answer).
   */
  static final long MAX_LINGER_MS = 10_000;

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
    server.connectionHandler(guard::attach)
        .invalidRequestHandler(guard::answerInvalid)
        // Resets, half-sent requests and the like are the client's business: one DEBUG line, no trace.
        .exceptionHandler(err -> LOG.debug("{}: connection error: {}", serverName, describe(err)));
    GUARDS.put(server, guard);
    return server;
  }

  /** The guard {@link #install} put on a server, for {@link #watchAccepts}. */
  private static final java.util.Map<HttpServer, ConnectionGuard> GUARDS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * For a listening server with HTTP/2 in clear turned on (guarded by {@link #install}): guards
   * each connection from the moment it is accepted (see the class comment). Returns {@code false}
   * when the server's listening socket cannot be reached, in which case an HTTP/1.1 connection is
   * guarded only once its first request has been decoded.
   */
  public static boolean watchAccepts(HttpServer server) {
    ConnectionGuard guard = GUARDS.get(server);
    Channel listening = ListeningChannel.of(server);
    if (guard == null || listening == null) {
      LOG.warn("{}: cannot watch accepted connections; the first request of an HTTP/1.1 connection is not held"
          + " to the header deadline, and an h2c upgrade is not limited to body-less GET, HEAD and OPTIONS",
          guard == null ? "server" : guard.serverName);
      return false;
    }
    // Instances sharing the port share its listening socket: the first one's watcher serves all.
    synchronized (listening) {
      if (listening.pipeline().get(ACCEPT_WATCHER) == null) {
        listening.pipeline().addFirst(ACCEPT_WATCHER, guard.new AcceptWatcher());
      }
    }
    return true;
  }

  /**
   * Whether {@link #watchAccepts} can work with this Vert.x (see {@link ListeningChannel}): asked
   * before a server that would speak HTTP/2 in clear is made, which without it stays HTTP/1.1 in
   * clear, guarded as every other server is.
   */
  public static boolean canWatchAccepts() {
    return ListeningChannel.reachable();
  }

  /**
   * An HTTP/2 request has arrived on its connection: the connection met its header deadline.
   * Called by the server's request handler for HTTP/2 requests (Vert.x has no per-stream hook on
   * the connection); on the connection's event loop.
   */
  public static void requestArrived(HttpServerRequest request) {
    if (request.connection() instanceof ConnectionBase base) {
      State state = base.channel().attr(STATE).get();
      if (state != null) {
        state.headersArrived();
      }
    }
  }

  private static final String ACCEPT_WATCHER = "portcullisAcceptWatcher";
  private static final String FIRST_BYTE_WATCHER = "portcullisFirstByte";
  private static final String REQUEST_WATCHER = "portcullisRequestWatcher";
  /** Vert.x's handler that turns an HTTP/1.1 request asking for {@code Upgrade: h2c} into HTTP/2. */
  private static final String UPGRADE_HANDLER = "h2c";
  private static final String ENCODER = "httpEncoder";
  /** The body-less methods a request asking for an h2c upgrade may have (see {@code upgradeOnlyIfSound}). */
  private static final java.util.Set<io.netty.handler.codec.http.HttpMethod> UPGRADABLE_METHODS = java.util.Set.of(
      io.netty.handler.codec.http.HttpMethod.GET, io.netty.handler.codec.http.HttpMethod.HEAD,
      io.netty.handler.codec.http.HttpMethod.OPTIONS);
  private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private void attach(HttpConnection connection) {
    // The server's exception handler covers errors before a connection is set up; this one covers
    // the connection's own (a reset, a line Netty cannot frame): the client's business, one DEBUG line.
    connection.exceptionHandler(err -> LOG.debug("{}: connection error: {}", serverName, describe(err)));
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    State accepted = base.channel().attr(STATE).get();
    if (accepted != null) {
      accepted.attached = true;
      // Watched since it was accepted (AcceptWatcher). Its request checks are in place, unless
      // its very first request was decoded with the bytes that told HTTP/1.1 from HTTP/2 (a
      // request line that begins like the HTTP/2 preface): Vert.x is about to hand it over.
      if (!accepted.http2 && pipeline.get(REQUEST_WATCHER) == null && pipeline.get(DECODER) != null
          && pipeline.get(VERTX_HANDLER) != null) {
        pipeline.addBefore(VERTX_HANDLER, REQUEST_WATCHER, new RequestWatcher(accepted));
      }
      return;
    }
    if (pipeline.get(DECODER) == null || pipeline.get(VERTX_HANDLER) == null) {
      // An HTTP/2 connection (ALPN "h2"): Vert.x's HTTP/2 codec and settings bound it.
      return;
    }
    State state = new State();
    state.attached = true;
    base.channel().attr(STATE).set(state);
    pipeline.addBefore(DECODER, FIRST_BYTE_WATCHER, new FirstByteWatcher(state, false));
    pipeline.addBefore(VERTX_HANDLER, REQUEST_WATCHER, new RequestWatcher(state));
  }

  /**
   * On the listening socket: puts a first-byte watcher on each accepted connection before Vert.x
   * sets it up, so the header deadline runs from the start and the first request is checked too.
   */
  @ChannelHandler.Sharable
  private final class AcceptWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel accepted) {
        State state = new State();
        accepted.attr(STATE).set(state);
        accepted.pipeline().addFirst(FIRST_BYTE_WATCHER, new FirstByteWatcher(state, true));
      }
      ctx.fireChannelRead(msg);
    }
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
    /**
     * The connection was to be closed while the answered request's body was still arriving: it is
     * read and dropped until it ends ({@link #LINGER_MS} at most), then the connection closes.
     */
    ScheduledFuture<?> linger;
    ChannelPromise lingerClose;
    /** When the lingering began, and when the client's last bytes came ({@link System#nanoTime()}). */
    long lingerStartNanos;
    long lastBytesNanos;
    /** The first bytes of the current request, kept as they came (ISO-8859-1 when read as text). */
    final byte[] requestStart = new byte[REQUEST_START_BYTES];
    int requestStartLength;
    boolean capturing = true;
    /** The connection speaks HTTP/2 (prior knowledge or an h2c upgrade): the HTTP/1.1 watchers stand aside. */
    boolean http2;
    /** Vert.x has set the connection up and {@link #attach} gave it its exception handler. */
    boolean attached;

    void switchedToHttp2() {
      http2 = true;
      capturing = false;
      cancelKeepAlive();
    }

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
      if (linger != null) {
        linger.cancel(false);
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

  /**
   * Sees the raw bytes: the first byte of a request starts its header deadline. Put on a connection
   * as it is accepted ({@code sniffing}), it also tells HTTP/2's preface from HTTP/1.1 as Vert.x
   * does, and adds the {@link RequestWatcher} once the bytes are HTTP/1.1, before they are decoded.
   */
  private final class FirstByteWatcher extends ChannelInboundHandlerAdapter {

    private final State state;
    private boolean sniffing;
    private int prefaceMatched;

    FirstByteWatcher(State state, boolean sniffing) {
      this.state = state;
      this.sniffing = sniffing;
    }

    /**
     * Follows the HTTP/2 preface through {@code bytes}: the index of the first byte that departs
     * from it (the connection is HTTP/1.1), or -1 (still the preface, or all of it: HTTP/2).
     */
    private int departure(ByteBuf bytes) {
      int length = Math.min(bytes.readableBytes(), HTTP2_PREFACE.length - prefaceMatched);
      for (int i = 0; i < length; i++) {
        if (bytes.getByte(bytes.readerIndex() + i) != HTTP2_PREFACE[prefaceMatched + i]) {
          return i;
        }
      }
      prefaceMatched += length;
      return -1;
    }

    /**
     * Passes on bytes of a connection whose protocol is not known yet. Vert.x decides at the same
     * byte: on HTTP/1.1 it adds its request decoder and h2c upgrade handler. The bytes up to that
     * one go first, so the decoder is in place before it has a complete request; the request
     * checks are put right before the upgrade handler, and then the rest follows.
     */
    private void sniff(ChannelHandlerContext ctx, ByteBuf bytes) {
      int departure = departure(bytes);
      if (departure < 0) {
        if (prefaceMatched == HTTP2_PREFACE.length) {
          // HTTP/2 with prior knowledge: the deadline runs on until its first request arrives.
          sniffing = false;
          state.switchedToHttp2();
        }
        ctx.fireChannelRead(bytes);
        return;
      }
      sniffing = false;
      ByteBuf deciding = bytes.readRetainedSlice(departure + 1);
      ctx.fireChannelRead(deciding);
      ChannelPipeline pipeline = ctx.pipeline();
      if (pipeline.get(REQUEST_WATCHER) == null && pipeline.get(DECODER) != null) {
        String before = pipeline.get(UPGRADE_HANDLER) != null ? UPGRADE_HANDLER : VERTX_HANDLER;
        pipeline.addBefore(before, REQUEST_WATCHER, new RequestWatcher(state));
      }
      if (bytes.isReadable()) {
        ctx.fireChannelRead(bytes);
      } else {
        bytes.release();
      }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      // A connection that sends nothing at all is held to the same deadline.
      state.armHeaderDeadline(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (state.lingerClose != null) {
        // Seen here, before the decoder: after a request line or header block too long to decode,
        // the decoder drops the rest of the bytes without passing anything on.
        state.lastBytesNanos = System.nanoTime();
      }
      if (msg instanceof ByteBuf bytes && bytes.isReadable() && !state.http2) {
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
        if (sniffing) {
          sniff(ctx, bytes);
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      state.closed();
      ctx.fireChannelInactive();
    }

    /**
     * A connection reset before Vert.x set the connection up (before its first complete request,
     * or its HTTP/2 preface) would reach only Vert.x's placeholder socket, which logs it as an
     * ERROR: it is the client's business, one DEBUG line, and the connection closes.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!state.attached && cause instanceof java.io.IOException) {
        LOG.debug("{}: connection error before its first request: {}", serverName, describe(cause));
        ctx.close();
        return;
      }
      ctx.fireExceptionCaught(cause);
    }
  }

  /** Sees decoded requests going in and responses going out. */
  private final class RequestWatcher extends ChannelDuplexHandler {

    private final State state;

    RequestWatcher(State state) {
      this.state = state;
    }

    /**
     * Closes at once, unless the request just answered is still sending its body (a refusal on its
     * headers, say: 431 for too many fields, or 414 for a request line too long): closing with its
     * bytes unread would make the kernel reset the connection, and a reset can destroy the answer
     * before the client reads it (an HTTP client writing a large body sees only "connection
     * closed"). So the answer is flushed, the rest of the request is read and dropped as it comes,
     * and the connection closes when the body ends, the client goes, the client has sent nothing
     * for {@link #LINGER_MS}, or after {@link #MAX_LINGER_MS} in all. (The fuzz suite found a fixed
     * linger too short: a busy client still writing a 1 MB request line a second after its 414 was
     * reset and never read the answer.)
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      if (state.lingerClose != null) {
        // Already lingering: this close completes with the one under way.
        ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
        return;
      }
      if (state.http2 || !state.inRequest || !state.responseStarted || state.refusedBody || !ctx.channel().isActive()) {
        ctx.close(promise);
        return;
      }
      LOG.debug("{}: answered a request whose body is still arriving; closing once it ends", serverName);
      state.lingerClose = promise;
      state.lingerStartNanos = System.nanoTime();
      state.lastBytesNanos = state.lingerStartNanos;
      state.linger = ctx.executor().schedule(() -> lingerDue(ctx), LINGER_MS, TimeUnit.MILLISECONDS);
      ctx.flush();
      // Vert.x may have paused reading for the request it no longer wants: the body must be read to be dropped.
      ctx.channel().config().setAutoRead(true);
      ctx.read();
    }

    /** The linger's timer: closes unless the client sent bytes within {@link #LINGER_MS} (and the bound is not reached). */
    private void lingerDue(ChannelHandlerContext ctx) {
      long now = System.nanoTime();
      long quietNanos = now - state.lastBytesNanos;
      long leftNanos = TimeUnit.MILLISECONDS.toNanos(MAX_LINGER_MS) - (now - state.lingerStartNanos);
      long idleNanos = TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
      if (quietNanos < idleNanos && leftNanos > 0) {
        state.linger = ctx.executor().schedule(() -> lingerDue(ctx), Math.min(idleNanos - quietNanos, leftNanos),
            TimeUnit.NANOSECONDS);
        return;
      }
      endLinger(ctx);
    }

    private void endLinger(ChannelHandlerContext ctx) {
      if (state.linger != null) {
        state.linger.cancel(false);
      }
      ctx.close(state.lingerClose);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (state.lingerClose != null) {
        ReferenceCountUtil.release(msg);
        if (msg instanceof LastHttpContent) {
          endLinger(ctx);
        }
        return;
      }
      if (msg instanceof Http2HeadersFrame && !state.http2) {
        // Behind Vert.x's h2c upgrade handler (guarded late), which turned the first request into
        // an HTTP/2 stream: from here on the connection is HTTP/2, and its first request has arrived.
        state.switchedToHttp2();
        state.headersArrived();
      }
      if (state.http2) {
        ctx.fireChannelRead(msg);
        return;
      }
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
        if (ctx.pipeline().get(UPGRADE_HANDLER) != null) {
          upgradeOnlyIfSound(request);
        }
      }
      if (msg instanceof HttpContent content && content.decoderResult().isFailure()
          && !(msg instanceof HttpRequest)) {
        refuseBody(ctx, content);
        return;
      }
      if (msg instanceof LastHttpContent && !(msg instanceof HttpRequest request && request.decoderResult().isFailure())) {
        state.inRequest = false;
        state.startAfresh = true;
      }
      // Otherwise a request the decoder could not read (a line or header block too long, say): it
      // comes whole, as one failed message, and the decoder drops every byte after it. The request
      // stays "in progress", so that closing after its refusal lingers while the client may still
      // be sending the rest.
      boolean mayUpgrade = msg instanceof HttpRequest && ctx.pipeline().get(UPGRADE_HANDLER) != null;
      ctx.fireChannelRead(msg);
      if (mayUpgrade && ctx.pipeline().get(ENCODER) == null) {
        // Vert.x switched the connection to HTTP/2 (it drops the HTTP/1.1 encoder on a 101).
        state.switchedToHttp2();
      }
    }

    /**
     * Lets Vert.x upgrade the connection to h2c only for a GET, HEAD or OPTIONS request over
     * HTTP/1.1 that passed every check and has no body. A refused request is answered over HTTP/1.1
     * like any other; a body would travel on as HTTP/2 DATA while its stream is still being set up,
     * which has been seen to confuse the JDK client; and a request that is not a plain call (CONNECT,
     * whose target is an authority and which HTTP/2 frames differently, or any other method that may
     * carry a body) was seen upgraded and then left without an answer. Otherwise the upgrade is
     * declined by dropping {@code Upgrade} (RFC 9110, 7.8: a server may ignore it); the client goes
     * on in HTTP/1.1, and may upgrade a later connection.
     */
    static void upgradeOnlyIfSound(HttpRequest request) {
      if (!request.headers().contains(HttpHeaderNames.UPGRADE)) {
        return;
      }
      boolean body = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
          || !"0".equals(request.headers().get(HttpHeaderNames.CONTENT_LENGTH, "0").trim());
      boolean plainCall = UPGRADABLE_METHODS.contains(request.method());
      // An HTTP/1.0 request's Upgrade is ignored too (RFC 9110, 7.8).
      if (body || !plainCall || !request.decoderResult().isSuccess()
          || request.protocolVersion() != HttpVersion.HTTP_1_1) {
        request.headers().remove(HttpHeaderNames.UPGRADE);
      }
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
      if (state.http2 || !(cause instanceof io.netty.handler.codec.DecoderException)) {
        ctx.fireExceptionCaught(cause);
        return;
      }
      if (state.lingerClose != null) {
        // Already answered and lingering: what the decoder makes of the bytes being dropped is moot.
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
      if (!interim && !state.http2) {
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
      boolean closingMidBody = !interim && !state.http2 && msg instanceof LastHttpContent && state.closing
          && state.inRequest && state.lingerClose == null && !state.refusedBody;
      ctx.write(msg, promise);
      if (closingMidBody) {
        // A closing answer went out while the request's body still arrives: the guard starts the
        // lingering close itself rather than wait for Vert.x's, which may wait for the body's end
        // while reading stays paused (a client still writing its body then hangs).
        ctx.flush();
        close(ctx, ctx.newPromise());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      state.closed();
      if (state.lingerClose != null) {
        // The client closed first: the close Vert.x asked for is done.
        ctx.close(state.lingerClose);
      }
      ctx.fireChannelInactive();
    }
  }
}
