package dev.portcullis.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttemptVerdictTest {

  private static final MultiMap NONE = MultiMap.caseInsensitiveMultiMap();

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 502, 503, 504, 529})
  void statusesThatSayTheRequestWasNotProcessedAreRetried(int status) {
    assertThat(AttemptVerdict.ofAnswer(status, NONE, Buffer.buffer("{}"), 0).kind()).isEqualTo(AttemptVerdict.Kind.RETRY);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 409, 413, 422})
  void otherClientErrorsAreTheCallersAndLeaveTheUpstreamHealthy(int status) {
    AttemptVerdict verdict = AttemptVerdict.ofAnswer(status, NONE, Buffer.buffer("overloaded"), 0);
    assertThat(verdict.kind()).isEqualTo(AttemptVerdict.Kind.NOT_UPSTREAM);
    assertThat(verdict.upstreamFailed()).isFalse();
  }

  @Test
  void a500IsRetriedOnlyWhenItsBodySaysOverloadedInAnyCase() {
    assertThat(AttemptVerdict.ofAnswer(500, NONE, Buffer.buffer("{\"error\":{\"type\":\"Overloaded_Error\"}}"), 0)
        .retryable()).isTrue();
    AttemptVerdict plain = AttemptVerdict.ofAnswer(500, NONE, Buffer.buffer("{\"error\":\"boom\"}"), 0);
    assertThat(plain.kind()).isEqualTo(AttemptVerdict.Kind.FAILED);
    assertThat(plain.upstreamFailed()).isTrue();
    // Only the first bytes are looked at: a huge body is not scanned to its end.
    Buffer late = Buffer.buffer("x".repeat(AttemptVerdict.OVERLOAD_SCAN_BYTES)).appendString("overloaded");
    assertThat(AttemptVerdict.ofAnswer(500, NONE, late, 0).retryable()).isFalse();
    assertThat(AttemptVerdict.ofAnswer(500, NONE, null, 0).retryable()).isFalse();
  }

  @Test
  void theUpstreamsRetryAfterIsKept() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Retry-After", "7");
    assertThat(AttemptVerdict.ofAnswer(429, headers, Buffer.buffer(), 0).retryAfterMs()).isEqualTo(7_000);
  }

  @Test
  void onlyRetrySafeErrorsAreRetriedAndOurOwnRefusalsSayNothingOfTheUpstream() {
    GatewayError timeout = GatewayError.upstreamTimeout("did not start answering");
    assertThat(AttemptVerdict.ofError(timeout.asRetrySafe()).retryable()).isTrue();
    assertThat(AttemptVerdict.ofError(timeout).kind()).isEqualTo(AttemptVerdict.Kind.FAILED);
    assertThat(AttemptVerdict.ofError(GatewayError.upstreamUnreachable("reset mid-answer")).kind())
        .isEqualTo(AttemptVerdict.Kind.FAILED);
    assertThat(AttemptVerdict.ofError(GatewayError.of(ErrorKind.PERMISSION, "policy")).kind())
        .isEqualTo(AttemptVerdict.Kind.NOT_UPSTREAM);
    assertThat(AttemptVerdict.ofError(GatewayError.internal("bug")).kind()).isEqualTo(AttemptVerdict.Kind.NOT_UPSTREAM);
  }
}
