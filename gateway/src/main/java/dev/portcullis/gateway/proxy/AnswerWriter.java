package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.gateway.policy.PolicyFamilies;
import dev.portcullis.policy.evaluate.AnswerStream;
import dev.portcullis.policy.evaluate.AnswerDecision;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a call's answer to its client and records the call: a whole answer as the provider gave
 * it, a streamed one through a {@link StreamRelay}, an error in the format of the called API. Every
 * answer names the call's {@code x-portcullis-request-id}.
 */
final class AnswerWriter {

  static final String REQUEST_ID_HEADER = "x-portcullis-request-id";

  private final CallTracker tracker;

  AnswerWriter(CallTracker tracker) {
    this.tracker = tracker;
  }

  /** Writes what the bus answered. */
  void write(HttpServerResponse out, Call call, BusReply reply) {
    if (reply instanceof BusReply.Streamed streamed) {
      AnswerStream gate = call.policy == null || streamed.head().status() / 100 != 2 ? null
          : call.policy.streamGate(call.policyFamily, PolicyFamilies.streamsJsonArray(call.route, call.query),
              call.toolJudge);
      new StreamRelay(out, streamed.receiver(), call, call.route.errorFormat(), gate, outcome ->
          tracker.record(call, out, out.getStatusCode(), streamed.receiver().usage(), outcome.name().toLowerCase()))
          .start(streamed.head());
    } else if (reply instanceof BusReply.Whole whole) {
      writeWhole(out, call, whole.body());
    }
  }

  private void writeWhole(HttpServerResponse out, Call call, Object reply) {
    if (reply instanceof ProxyResponse response) {
      if (out.closed()) {
        tracker.record(call, out, 499, response.usage(), "client_closed");
        return;
      }
      Buffer body = response.body();
      if (call.policy != null && response.status() / 100 == 2 && body != null
          && call.policy.readsAnswers(call.toolJudge)) {
        AnswerDecision decision = call.policy.onAnswer(call.policyFamily, body, call.toolJudge);
        call.policyNote.blockedTools(decision.blockedCalls()).counts("answer-redacted", decision.redacted())
            .counts("answer-logged", decision.logged());
        if (decision.refused()) {
          call.policyNote.refused(decision.refusalRule());
          fail(out, call, GatewayError.of(ErrorKind.PERMISSION, decision.refusal()), "policy");
          return;
        }
        body = decision.body();
      }
      out.setStatusCode(response.status());
      out.headers().addAll(response.headers());
      out.putHeader(REQUEST_ID_HEADER, call.requestId);
      if (call.auditedAnswer != null) {
        // What the client got: the audit log never keeps what a policy redacted or took out.
        call.auditedAnswer.add(body);
      }
      out.end(body);
      tracker.record(call, out, response.status(), response.usage(), "completed");
    } else if (reply instanceof GatewayError error) {
      fail(out, call, error);
    } else {
      fail(out, call, GatewayError.internal("The provider answered with an unexpected message."));
    }
  }

  /** Answers the call with Portcullis' own error, in the called API's format. */
  void fail(HttpServerResponse out, Call call, GatewayError error) {
    fail(out, call, error, "error");
  }

  /** As {@link #fail(HttpServerResponse, Call, GatewayError)}, recorded with its own outcome ({@code limited}). */
  void fail(HttpServerResponse out, Call call, GatewayError error, String outcome) {
    ErrorResponses.send(out, call.route.errorFormat(), error, call.requestId);
    tracker.record(call, out, error.status(), null, outcome);
  }
}
