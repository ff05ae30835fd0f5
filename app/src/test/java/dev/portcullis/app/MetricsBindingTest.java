package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, point 7: /metrics without a secret is served on loopback only, even when the gateway
 * listens on every interface. 127.0.0.2 stands for "another interface": a server bound to
 * 0.0.0.0 answers there, one bound to 127.0.0.1 does not.
 */
@Timeout(30)
class MetricsBindingTest {

  @Test
  void withoutASecretMetricsStayOnLoopbackWhileTheGatewayListensEverywhere() throws Exception {
    try (PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of("PORTCULLIS_HOST", "0.0.0.0"))) {
      assertThat(connects("127.0.0.2", portcullis.port())).as("the gateway on every interface").isTrue();
      assertThat(connects("127.0.0.1", portcullis.metricsPort())).isTrue();
      assertThatThrownBy(() -> connect("127.0.0.2", portcullis.metricsPort())).isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void aSecretOrAnExplicitHostOpensMetricsWhereAsked() throws Exception {
    try (PortcullisUnderTest withSecret = PortcullisUnderTest.start(Map.of("PORTCULLIS_HOST", "0.0.0.0",
        "ARCHESTRA_METRICS_SECRET", "metrics-secret-for-the-binding-test"))) {
      assertThat(connects("127.0.0.2", withSecret.metricsPort())).isTrue();
    }
    try (PortcullisUnderTest chosen = PortcullisUnderTest.start(Map.of("PORTCULLIS_METRICS_HOST", "0.0.0.0"))) {
      assertThat(connects("127.0.0.2", chosen.metricsPort())).isTrue();
    }
  }

  private static boolean connects(String host, int port) throws IOException {
    connect(host, port);
    return true;
  }

  private static void connect(String host, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
    }
  }
}
