package dev.portcullis.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.error.Failures.BusTarget;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void eachBusHopWaitsOneGraceLonger() {
    assertThat(Failures.busTimeoutMs(60_000, 1)).isEqualTo(60_000 + Failures.BUS_GRACE_MS);
    assertThat(Failures.busTimeoutMs(60_000, 2)).isGreaterThan(Failures.busTimeoutMs(60_000, 1));
    assertThat(Failures.busDelivery(1_000, 2).getSendTimeout()).isEqualTo(1_000 + 2 * Failures.BUS_GRACE_MS);
  }

  @Test
  void noConsumerIsA503ThatSaysWhatIsMissing() {
    GatewayError provider = Failures.ofBus(new ReplyException(ReplyFailure.NO_HANDLERS, "none"),
        BusTarget.provider("groq", "last seen 3 s ago"), 1_000);
    assertThat(provider.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(provider.message()).isEqualTo("The groq provider is not running in this deployment: no provider "
        + "verticle answers portcullis.provider.groq (last seen 3 s ago).");
    assertThat(Failures.ofBus(new ReplyException(ReplyFailure.NO_HANDLERS, "none"), BusTarget.provider("groq", null),
        1_000).message()).endsWith("portcullis.provider.groq.");
    assertThat(Failures.ofBus(new ReplyException(ReplyFailure.NO_HANDLERS, "none"), BusTarget.modelRouter(), 1_000)
        .message()).contains("model router is not running").contains("PORTCULLIS_ROLES");
  }

  @Test
  void aBusTimeoutIsA504NamingTheWait() {
    GatewayError error = Failures.ofBus(new ReplyException(ReplyFailure.TIMEOUT, "timeout"),
        BusTarget.provider("openai", null), 65_000);
    assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
    assertThat(error.message()).isEqualTo("The openai provider did not answer within 65000 ms.");
  }

  @Test
  void aKnownErrorTravelsAsItIsAndAnythingElseIsA500() {
    GatewayError known = GatewayError.invalidRequest("bad", "model");
    assertThat(Failures.ofBus(known.toException(), BusTarget.modelRouter(), 1)).isSameAs(known);
    assertThat(Failures.ofUpstream(known.toException(), "x", "1 ms")).isSameAs(known);
    assertThat(Failures.ofBus(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, "boom"),
        BusTarget.provider("openai", null), 1).kind()).isEqualTo(ErrorKind.INTERNAL);
    assertThat(Failures.ofBus(new IllegalStateException("codec"), BusTarget.provider("openai", null), 1).message())
        .isEqualTo("The call could not be handed to the openai provider.");
  }

  @Test
  void upstreamFailuresAreClassifiedByTypeNotByTheirWords() {
    assertThat(Failures.ofUpstream(new NoStackTraceTimeoutException("idle"), "openai at h", "800 ms").message())
        .isEqualTo("The upstream openai at h did not answer within 800 ms.");
    assertThat(Failures.ofUpstream(new ConnectTimeoutException("connection timed out"), "openai at h", "800 ms"))
        .satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNREACHABLE))
        .satisfies(e -> assertThat(e.message()).isEqualTo(
            "Could not connect to the upstream openai at h: ConnectTimeoutException."));
    assertThat(Failures.classifyUpstream(new ConnectException("refused")))
        .isEqualTo(Failures.UpstreamFailure.UNREACHABLE);
    assertThat(Failures.classifyUpstream(new UnknownHostException("h"))).isEqualTo(Failures.UpstreamFailure.UNREACHABLE);
    // A message that mentions a timeout does not make a reset a timeout.
    GatewayError reset = Failures.ofUpstream(new VertxException("Connection reset after timeout"), "openai at h", "1 ms");
    assertThat(reset.kind()).isEqualTo(ErrorKind.UPSTREAM_UNREACHABLE);
    assertThat(reset.message()).isEqualTo("The connection to the upstream openai at h failed (VertxException).");
    assertThat(reset.message()).doesNotContain("reset after");
  }

  @Test
  void bugsAreOursIoFailuresAreNot() {
    assertThat(Failures.isBug(new NullPointerException())).isTrue();
    assertThat(Failures.isBug(new AssertionError())).isTrue();
    assertThat(Failures.isBug(new VertxException("closed"))).isFalse();
    assertThat(Failures.isBug(new IOException("reset"))).isFalse();
    assertThat(Failures.isBug(new io.netty.handler.codec.DecoderException("bad frame"))).isFalse();
    assertThat(Failures.isBug(GatewayError.internal("x").toException())).isFalse();
  }
}
