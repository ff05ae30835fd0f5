package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void portsAreBelowTheEphemeralRangeDistinctAndBindable() throws Exception {
    int ephemeralLow = FreePorts.ephemeralLow();
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = FreePorts.next();
      assertThat(port).isGreaterThanOrEqualTo(10_000).isLessThan(ephemeralLow);
      assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
    }
    for (int port : ports.stream().limit(20).toList()) {
      try (ServerSocket server = new ServerSocket()) {
        server.bind(new InetSocketAddress("127.0.0.1", port));
      }
    }
  }
}
