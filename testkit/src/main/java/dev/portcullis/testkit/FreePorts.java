package dev.portcullis.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers a test starts later, in another JVM or after other work: chosen below the
 * kernel's ephemeral range. A port that {@code new ServerSocket(0)} picks is from that range, and
 * between the pick and the server's bind any outgoing connection (a cluster member dialling
 * another, an HTTP client) may be given it as its local port, and the server then fails with
 * "already in use". Outgoing connections never take a port below the range, so a port chosen
 * there and free now stays free unless another server binds it. Each port is handed out once per
 * JVM.
 */
public final class FreePorts {

  /** Lowest port handed out: above the well-known and most registered services' ports. */
  private static final int LOWEST = 10_000;
  /** The kernel's default when its setting cannot be read. */
  private static final int DEFAULT_EPHEMERAL_LOW = 32_768;
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port free on every address now, not in the ephemeral range, never given before in this JVM. */
  public static int next() {
    int below = ephemeralLow();
    if (below - LOWEST < 1_000) {
      return anyFree(); // a machine configured with almost no room below its range
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = LOWEST + random.nextInt(below - LOWEST);
      if (GIVEN.add(port) && bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found between " + LOWEST + " and " + below);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static int anyFree() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first port of {@code net.ipv4.ip_local_port_range}. */
  static int ephemeralLow() {
    try {
      // Read by lines: Files.readString trusts the size /proc reports and may return a part.
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException unknown) {
      return DEFAULT_EPHEMERAL_LOW;
    }
  }
}
