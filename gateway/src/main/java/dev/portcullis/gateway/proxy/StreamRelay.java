package dev.portcullis.gateway.proxy;

import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.format.ApiErrorFormat;
import dev.portcullis.common.stream.bus.StreamFailureException;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.stream.bus.StreamReceiver;
import dev.portcullis.policy.evaluate.AnswerStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.function.Consumer;

/**
 * Relays one streamed answer from the bus to the client as it arrives: each DATA frame is written
 * (and flushed) at once; when the client's socket is full the receiver is paused, which withholds
 * credit from the provider, which pauses the upstream read. A client that goes away cancels the
 * upstream call; a stream that fails midway ends with the API's own error event.
 */
final class StreamRelay {

  /** How the relay ended, for the access log. */
  enum Outcome { COMPLETED, FAILED, CLIENT_CLOSED }

  /** How long a cancelled stream's record waits for the producer's count of what it saw. */
  static final long CANCEL_USAGE_WAIT_MS = 1_000;

  private final HttpServerResponse response;
  private final StreamReceiver receiver;
  private final Call call;
  private final ApiErrorFormat format;
  private final Consumer<Outcome> done;
  /**
   * Holds the tool calls of the answer until they are judged and redacts its text; null: every
   * byte goes on as it comes.
   */
  private final AnswerStream gate;
  private boolean finished;

  StreamRelay(HttpServerResponse response, StreamReceiver receiver, Call call,
      ApiErrorFormat format, AnswerStream gate, Consumer<Outcome> done) {
    this.gate = gate;
    this.response = response;
    this.receiver = receiver;
    this.call = call;
    this.format = format;
    this.done = done;
  }

  /**
   * The 400 for a streamed answer to a client on {@code version}, or {@code null} when it can take
   * one: HTTP/1.0 has no chunked encoding, so an answer of unknown length cannot be relayed as it
   * comes.
   */
  static GatewayError refusalFor(HttpVersion version) {
    return version == HttpVersion.HTTP_1_0
        ? GatewayError.invalidRequest("A streamed answer needs HTTP/1.1 (chunked transfer encoding); "
            + "send the request as HTTP/1.1 or without streaming.", null)
        : null;
  }

  void start(StreamFrame.Head head) {
    receiver.onHead(head);
    if (response.closed()) {
      receiver.cancel("client disconnected before the answer started");
      finish(Outcome.CLIENT_CLOSED);
      return;
    }
    response.setStatusCode(head.status());
    response.headers().addAll(head.headers());
    response.putHeader(AnswerWriter.REQUEST_ID_HEADER, call.requestId);
    response.setChunked(true);
    response.closeHandler(v -> {
      if (!finished) {
        // Recorded once the producer said what it counted so far (or did not, within the wait).
        receiver.cancelForUsage("client disconnected", CANCEL_USAGE_WAIT_MS)
            .onComplete(usage -> finish(Outcome.CLIENT_CLOSED));
      }
    });
    receiver.endHandler(v -> {
      if (finished) {
        return;
      }
      if (gate != null) {
        gate.gate().end(this::write);
        noted();
        String stoppedBy = gate.stoppedBy();
        if (stoppedBy != null) {
          call.policyNote.refused(stoppedBy);
        }
      }
      response.end();
      // A producer that ended the answer with its own error event (the model router's translated
      // streams) sent complete bytes, but the call failed.
      finish(receiver.endedInError() ? Outcome.FAILED : Outcome.COMPLETED);
    });
    receiver.exceptionHandler(err -> {
      if (finished) {
        return;
      }
      if (err instanceof StreamFailureException failure) {
        response.end(format.streamEvent(failure.error(), response.headers().get("content-type")));
      } else {
        response.end();
      }
      finish(Outcome.FAILED);
    });
    // Last: frames that are here already (the first, when the call waited for it) flow at once.
    receiver.handler(bytes -> {
      if (call.firstByteNanos == 0) {
        call.firstByteNanos = System.nanoTime() - call.startedNanos;
      }
      if (finished) {
        return;
      }
      if (gate == null) {
        write(bytes);
        return;
      }
      gate.gate().accept(bytes, this::write);
      String stoppedBy = gate.stoppedBy();
      if (stoppedBy != null && !finished) {
        // The gate has written the API's own error event in place of the secret: nothing more goes.
        receiver.cancel("the answer held data a policy blocks");
        noted();
        call.policyNote.refused(stoppedBy);
        response.end();
        finish(Outcome.FAILED);
      }
    });
    // Send the head now, unless the answer went already: clients see the status at once, not
    // with the first token.
    if (!response.headWritten()) {
      response.writeHead();
    }
  }

  /** What the gates did, for the usage record. */
  private void noted() {
    call.policyNote.blockedTools(gate.gate().blockedCalls());
    if (gate.text() != null) {
      call.policyNote.counts("answer-redacted", gate.text().redacted()).counts("answer-logged", gate.text().logged());
    }
  }

  private void write(Buffer bytes) {
    if (call.auditedAnswer != null) {
      // What the client got: the audit log never keeps what a policy redacted or took out.
      call.auditedAnswer.add(bytes);
    }
    response.write(bytes);
    if (response.writeQueueFull()) {
      receiver.pause();
      response.drainHandler(v -> receiver.resume());
    }
  }

  private void finish(Outcome outcome) {
    if (!finished) {
      finished = true;
      done.accept(outcome);
    }
  }
}
