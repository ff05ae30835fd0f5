package dev.portcullis.gateway.proxy;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads one request body into memory within two bounds: the body limit of one call
 * ({@code ARCHESTRA_API_BODY_LIMIT}, else 413) and the bytes all calls may hold at once
 * ({@link RequestBytesBudget}, else 503 with {@code Retry-After}). It replaces vertx-web's body
 * handler, which parses form bodies (a bad {@code %} escape in the query then fails the request
 * with no answer at all) and answers an unknown {@code Expect} with a bare 417. Bytes are reserved
 * as they arrive, never on a declared length, so a client that announces much and sends little
 * holds only what it sent. A body that stops arriving (no byte for the header timeout) is
 * refused with 408: the header timeout bounds a slow client's headers, this bounds its body.
 */
final class RequestBodyReader {

  static final String BUFFERED_SETTING = "PORTCULLIS_MAX_BUFFERED_REQUEST_BYTES";

  private final long limitBytes;
  private final String limitSetting;
  private final RequestBytesBudget budget;
  private final Vertx vertx;
  private final long idleMs;

  RequestBodyReader(Vertx vertx, long limitBytes, String limitSetting, RequestBytesBudget budget, long idleMs) {
    this.vertx = vertx;
    this.idleMs = idleMs;
    this.limitBytes = limitBytes;
    this.limitSetting = limitSetting;
    this.budget = budget;
  }

  /**
   * Reads the body of {@code request} for {@code call}. Exactly one of the three callbacks is
   * called, once: the whole body; a refusal to answer (the rest of the body is not read, so the
   * connection is then closed, or in HTTP/2 the call's stream reset: {@link RefusedBodyResponder});
   * or the cause when the request broke off (the client went away, or sent a malformed body that
   * the connection guard already answered).
   */
  void read(HttpServerRequest request, Call call, Handler<Buffer> onBody, Consumer<GatewayError> onRefused,
      Consumer<Throwable> onBroken) {
    String expect = request.getHeader("Expect");
    boolean wantsContinue = false;
    if (expect != null) {
      if (!expect.trim().equalsIgnoreCase("100-continue")) {
        onRefused.accept(GatewayError.of(ErrorKind.EXPECTATION_FAILED,
            "Expect: " + printable(expect) + " is not supported; only Expect: 100-continue is."));
        return;
      }
      wantsContinue = request.version() == HttpVersion.HTTP_1_1;
    }
    long declared = declaredLength(request);
    if (declared > limitBytes) {
      onRefused.accept(tooLarge());
      return;
    }
    if (wantsContinue) {
      request.response().writeContinue();
    }
    Reading reading = new Reading(call, onRefused);
    request.handler(reading::chunk);
    request.endHandler(v -> {
      if (!reading.done) {
        reading.finish();
        onBody.handle(reading.body);
      }
    });
    request.exceptionHandler(err -> {
      if (!reading.done) {
        reading.finish();
        reading.body = null;
        onBroken.accept(err);
      }
    });
    reading.armIdleTimer();
    request.resume();
  }

  private GatewayError tooLarge() {
    return GatewayError.of(ErrorKind.PAYLOAD_TOO_LARGE, "The request body is larger than the limit of " + limitBytes
        + " bytes (" + limitSetting + ").");
  }

  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      // Netty's decoder refuses a malformed Content-Length before we get here.
      return -1;
    }
  }

  /** An {@code Expect} value is the client's own text: quoted short and printable only. */
  private static String printable(String value) {
    String shortened = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return shortened.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private final class Reading {
    private final Call call;
    private final Consumer<GatewayError> onRefused;
    private Buffer body = Buffer.buffer();
    private boolean done;
    private long idleTimer = -1;
    private long lastChunkNanos;

    Reading(Call call, Consumer<GatewayError> onRefused) {
      this.call = call;
      this.onRefused = onRefused;
    }

    /**
     * Holds the body to its idle limit from now. One timer per body, not one per chunk: a chunk
     * only notes its time, and the timer, when it fires, waits again for what is left of the
     * limit since the last chunk (a timer set and cancelled per chunk was a measurable share of
     * a call's CPU).
     */
    void armIdleTimer() {
      lastChunkNanos = System.nanoTime();
      if (idleTimer < 0) {
        idleTimer = vertx.setTimer(idleMs, this::idleTimerFired);
      }
    }

    private void idleTimerFired(long id) {
      idleTimer = -1;
      if (done) {
        return;
      }
      long idleForMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastChunkNanos);
      if (idleForMs < idleMs) {
        idleTimer = vertx.setTimer(idleMs - idleForMs, this::idleTimerFired);
        return;
      }
      refuse(GatewayError.of(ErrorKind.REQUEST_TIMEOUT, "The request body stopped arriving: no byte for "
          + idleMs + " ms (" + dev.portcullis.common.http.ServerLimits.HEADER_TIMEOUT + ")."));
    }

    void finish() {
      done = true;
      if (idleTimer >= 0) {
        vertx.cancelTimer(idleTimer);
        idleTimer = -1;
      }
    }

    void chunk(Buffer chunk) {
      if (done) {
        return;
      }
      armIdleTimer();
      if (body.length() + (long) chunk.length() > limitBytes) {
        refuse(tooLarge());
      } else if (!budget.tryReserve(chunk.length())) {
        refuse(GatewayError.unavailable("Portcullis is holding as many request bodies as it may at once ("
            + BUFFERED_SETTING + "); retry shortly."));
      } else {
        call.reservedBytes += chunk.length();
        if (body.length() == 0) {
          // Most bodies come in one chunk: keep it rather than copy it (Vert.x hands out chunks the
          // handler owns).
          body = chunk;
        } else {
          body.appendBuffer(chunk);
        }
      }
    }

    private void refuse(GatewayError error) {
      finish();
      body = null;
      onRefused.accept(error);
    }
  }
}
