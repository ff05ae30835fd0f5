package dev.portcullis.bench;

import dev.portcullis.testkit.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.FaultyUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault soak, small: the real jar ({@code ../app/target/portcullis.jar}, built before this
 * module in the reactor; {@code -Dsoak.jar=...} picks another) as a child process with upstream
 * timeouts of 2 s, two openai provider keys on an in-process {@link FaultyUpstream} with every fault
 * kind, a virtual key mapping both, and {@link Soak} through it for about a minute at a modest rate.
 * Every call must be classified, none malformed or lost, no request repeated upstream after an
 * answer had begun, and the gateway must not keep descriptors or grow its memory.
 *
 * <p>{@code -Dsoak.rate} (100), {@code -Dsoak.seconds} (60), {@code -Dsoak.faultRate} (0.02),
 * {@code -Dsoak.mix} ({@code all}, or {@code kind=weight,...}), {@code -Dsoak.seed} (7) change the
 * run. The report is printed and kept in {@code target/soak-it-report.md}.
 */
class SoakIT {

  private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final long TIMEOUT_MS = 2_000;

  private Vertx vertx;
  private FaultyUpstream upstream;
  private Process gateway;
  private Path log;
  private final List<Path> scratch = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (gateway != null && gateway.isAlive()) {
      gateway.destroy();
      if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
        gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (upstream != null) {
      upstream.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    for (Path dir : scratch) {
      try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void theGatewayAnswersEveryCallWellUnderUpstreamFaults() throws Exception {
    String jarSetting = System.getProperty("soak.jar", "app/target/portcullis.jar");
    Path built = REPO_ROOT.resolve(jarSetting);
    assertThat(built).as("the app's jar (mvn package -pl app -am first)").exists();
    // A private copy: a rebuild during the run would pull classes from under the running JVM.
    Path jar = scratchDir("soak-it-jar").resolve("portcullis.jar");
    Files.copy(built, jar);
    int rate = Integer.getInteger("soak.rate", 100);
    int seconds = Integer.getInteger("soak.seconds", 60);
    long seed = Long.getLong("soak.seed", 7L);
    FaultyUpstream.Options options = FaultyUpstream.Options.defaults()
        .withFaultRate(Double.parseDouble(System.getProperty("soak.faultRate", "0.02")))
        .withMix(FaultyUpstream.Options.parseMix(System.getProperty("soak.mix", "all")))
        .withSeed(seed).withStallMs(TIMEOUT_MS * 5 / 2);

    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    upstream = FaultyUpstream.start(vertx, 0, options);

    int port = freePort();
    int adminPort = freePort();
    int metricsPort = freePort();
    String adminToken = "soak-it-" + UUID.randomUUID();
    Path dataDir = scratchDir("soak-it-data");
    log = Path.of("target", "soak-it-gateway.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(JAVA, "-jar", jar.toString())
        .directory(REPO_ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    // As the README runs it: no JVM options from this JVM's environment.
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().putAll(Map.of(
        "PORTCULLIS_PORT", String.valueOf(port),
        "PORTCULLIS_ADMIN_PORT", String.valueOf(adminPort),
        "ARCHESTRA_METRICS_PORT", String.valueOf(metricsPort),
        "PORTCULLIS_HOST", "127.0.0.1",
        "PORTCULLIS_DATA_DIR", dataDir.toString(),
        "PORTCULLIS_LOG_LEVEL", "WARN",
        "PORTCULLIS_ADMIN_TOKEN", adminToken,
        "PORTCULLIS_UPSTREAM_FIRST_BYTE_TIMEOUT_MS", String.valueOf(TIMEOUT_MS),
        "PORTCULLIS_UPSTREAM_IDLE_TIMEOUT_MS", String.valueOf(TIMEOUT_MS),
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl()));
    gateway = builder.start();
    String gatewayUrl = "http://127.0.0.1:" + port;
    try {
      SoakGateway.awaitReady(gatewayUrl, 90_000, gateway);
    } catch (IllegalStateException e) {
      throw new AssertionError(e.getMessage() + ":\n" + Files.readString(log), e);
    }

    SoakGateway.Provisioned keys = SoakGateway.provision("http://127.0.0.1:" + adminPort, adminToken,
        List.of(upstream.baseUrl(), upstream.baseUrl()));
    Soak.Config config = Soak.Config.of(gatewayUrl, keys.virtualKey(), rate, seconds)
        .withObservation("http://127.0.0.1:" + metricsPort + "/metrics",
            "http://127.0.0.1:" + upstream.port(), gateway.pid())
        .withSeed(seed)
        // A fresh upstream and a fixed run id: the same calls get the same faults in every run.
        .withRunId("it" + Long.toUnsignedString(seed))
        .withSetup(List.of("Gateway: `java -jar` a copy of " + jarSetting + " (SoakIT), upstream timeouts "
            + TIMEOUT_MS + " ms, fault upstream in the test's JVM.", "Key mapping: " + keys.note() + "."));
    SoakReport report = Soak.run(config);
    String markdown = report.toMarkdown();
    Files.writeString(Path.of("target", "soak-it-report.md"), markdown);
    System.out.println(markdown);

    String context = markdown + "\ngateway log (" + log + "), last lines:\n" + tail(log, 30);
    assertThat(gateway.isAlive()).as("the gateway still runs%n%s", context).isTrue();
    assertThat(report.correct() + report.wellFormedErrors() + report.malformed() + report.lost())
        .as("every call classified%n%s", context).isEqualTo(report.calls());
    assertThat(report.calls()).isEqualTo((long) rate * seconds + config.warmupCalls());
    assertThat(report.malformedOrLost()).as("malformed or lost calls%n%s", context).isZero();
    assertThat(report.upstream().duplicatesAfterFirstByte())
        .as("requests repeated upstream after an answer had begun%n%s", context).isZero();
    assertThat(report.fdsAfter()).as("open fds after the load (before: %d)%n%s", report.fdsBefore(), context)
        .isBetween(0, report.fdsBefore() + config.fdSlack());
    assertThat(report.correct()).as("most calls answered%n%s", context).isGreaterThan(report.calls() * 9 / 10);
    // Every fault kind happened (at 2% of 6,000 calls, about 13 of each).
    Map<String, Long> injected = new TreeMap<>();
    FaultyUpstream.Stats stats = upstream.stats();
    stats.streamFaults().forEach((k, v) -> injected.merge(k, v, Long::sum));
    stats.jsonFaults().forEach((k, v) -> injected.merge(k, v, Long::sum));
    List<String> missing = new ArrayList<>();
    options.mix().forEach((fault, weight) -> {
      if (weight > 0 && injected.getOrDefault(fault.wireName(), 0L) == 0) {
        missing.add(fault.wireName());
      }
    });
    if (options.faultRate() > 0 && (long) rate * seconds >= 3_000) {
      assertThat(missing).as("fault kinds never injected; injected: %s", injected).isEmpty();
    }
    assertThat(report.failures()).as("pass criteria%n%s", context).isEmpty();
  }

  private Path scratchDir(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    scratch.add(dir);
    return dir;
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static int freePort() {
    return FreePorts.next();
  }
}
