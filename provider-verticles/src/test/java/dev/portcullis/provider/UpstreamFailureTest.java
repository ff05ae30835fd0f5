package dev.portcullis.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.settings.UpstreamTimeouts;
import dev.portcullis.common.settings.UpstreamTimeouts.Stage;
import dev.portcullis.provider.usage.UsageFormat;
import dev.portcullis.provider.usage.UsageObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/**
 * How a provider verticle answers an upstream call that failed: by the failure's type, the way
 * {@code Failures.ofUpstream} maps it, with the messages clients have always been given.
 */
class UpstreamFailureTest {

  private static final String TIMEOUT_WORDS = "30000 ms (ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS)";
  private static final UpstreamCall CALL = new UpstreamCall("POST", "https://api.openai.test:8443/v1/chat/completions",
      MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
  private static final ProxyRequest REQUEST = ProxyRequest.builder().provider("openai").operation("chat.completions")
      .method("POST").path("/chat/completions").requestId("req-1").timeoutMs(30_000).build();

  private final Provider provider = new Provider();

  private GatewayError failure(Throwable cause) {
    return provider.failureOf(cause, CALL, REQUEST);
  }

  @Test
  void vertxsIdleTimeoutIsA504NamingTheTimeout() {
    GatewayError error = failure(new NoStackTraceTimeoutException(
        "The timeout period of 30000ms has been exceeded while executing POST /v1/chat/completions"));

    assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
    assertThat(error.status()).isEqualTo(504);
    assertThat(error.message()).isEqualTo("The upstream openai at api.openai.test:8443 did not answer within "
        + TIMEOUT_WORDS + ".");
  }

  @Test
  void eachStagesTimeoutIsA504NamingTheStageItsLimitAndTheSetting() {
    UpstreamTimeouts timeouts = new UpstreamTimeouts(1_000, 30_000, 5_000);
    GatewayError connect = provider.failureOf(new ConnectTimeoutException("connection timed out"), CALL, REQUEST,
        Stage.CONNECT, timeouts);
    assertThat(connect.status()).isEqualTo(504);
    assertThat(connect.message()).isEqualTo("The upstream openai at api.openai.test:8443 did not accept a connection "
        + "within 1000 ms (PORTCULLIS_UPSTREAM_CONNECT_TIMEOUT_MS).");
    NoStackTraceTimeoutException idle = new NoStackTraceTimeoutException("The timeout period has been exceeded");
    assertThat(provider.failureOf(idle, CALL, REQUEST, Stage.FIRST_BYTE, timeouts).message())
        .isEqualTo("The upstream openai at api.openai.test:8443 did not start answering within "
            + "30000 ms (ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS).");
    GatewayError stalled = provider.failureOf(idle, CALL, REQUEST, Stage.IDLE, timeouts);
    assertThat(stalled.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
    assertThat(stalled.message()).isEqualTo("The upstream openai at api.openai.test:8443 stopped sending in the "
        + "middle of its answer for 5000 ms (ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS).");
    // Any other failure at a stage is what it is.
    assertThat(provider.failureOf(new ConnectException("Connection refused"), CALL, REQUEST, Stage.CONNECT, timeouts)
        .status()).isEqualTo(502);
  }

  @Test
  void nettysConnectTimeoutIsA502CouldNotConnect() {
    GatewayError error = failure(new ConnectTimeoutException("connection timed out after 1000 ms: api.openai.test"));

    assertThat(error.status()).isEqualTo(502);
    assertThat(error.message()).isEqualTo(
        "Could not connect to the upstream openai at api.openai.test:8443: ConnectTimeoutException.");
  }

  @Test
  void aRefusedConnectionIsA502CouldNotConnect() {
    GatewayError error = failure(new ConnectException("Connection refused"));

    assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_UNREACHABLE);
    assertThat(error.status()).isEqualTo(502);
    assertThat(error.message()).isEqualTo("Could not connect to the upstream openai at api.openai.test:8443: "
        + "ConnectException.");
  }

  @Test
  void aResetOrClosedConnectionIsA502NamingTheFailure() {
    assertThat(failure(new SocketException("Connection reset")).message())
        .isEqualTo("The connection to the upstream openai at api.openai.test:8443 failed (SocketException).");
    assertThat(failure(new StreamResetException(8)).message())
        .isEqualTo("The connection to the upstream openai at api.openai.test:8443 failed (StreamResetException).");
    GatewayError closed = failure(new HttpClosedException("Connection was closed"));
    assertThat(closed.status()).isEqualTo(502);
    assertThat(closed.message())
        .isEqualTo("The connection to the upstream openai at api.openai.test:8443 failed (HttpClosedException).");
    assertThat(failure(VertxException.noStackTrace("Connection was closed")).status()).isEqualTo(502);
  }

  @Test
  void withoutACallTheProviderIsNamedAlone() {
    assertThat(provider.failureOf(new ConnectException("refused"), null, REQUEST).message())
        .isEqualTo("Could not connect to the upstream openai: ConnectException.");
  }

  @Test
  void aGatewayErrorIsAnsweredAsItIsAndABugIsA500ThatNamesTheRequest() {
    GatewayError known = GatewayError.notFound("no such thing");
    assertThat(failure(known.toException())).isEqualTo(known);

    GatewayError bug = failure(new IllegalStateException("a bug quoting sk-secret"));
    assertThat(bug.kind()).isEqualTo(ErrorKind.INTERNAL);
    assertThat(bug.message()).contains("req-1").doesNotContain("sk-secret");
  }

  /** A verticle that is never deployed: only its failure mapping is used. */
  private static final class Provider extends ProviderVerticle {

    Provider() {
      super(Providers.require("openai"), new ProviderSettings(30_000, 1_000), new SimpleMeterRegistry());
    }

    @Override
    protected Future<UpstreamCall> prepare(ProxyRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected UsageFormat usage() {
      return UsageFormat.of((request, body) -> Usage.UNKNOWN, request -> UsageObserver.NONE);
    }
  }
}
