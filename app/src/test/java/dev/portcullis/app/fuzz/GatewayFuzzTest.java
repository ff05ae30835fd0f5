package dev.portcullis.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.provider.ProviderRoute;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fuzz suite of issue 10: {@code portcullis.fuzz.requests} generated requests (100,000 by
 * default) against one running Portcullis, half over raw sockets and half through an HTTP client,
 * across every provider route, the model router, the token endpoint, health and readiness, with a
 * smaller share on the admin and metrics ports. Loopback only: every provider points at the test
 * upstream ({@link FuzzRig}). Pass criteria, each reported with the bytes of its shortest case:
 * <ul>
 *   <li>no crash: /health and a normal chat call still answer after every batch;</li>
 *   <li>an answer to every complete request, and no 5xx made by Portcullis except 502/503/504
 *       caused by an upstream told to fail (see {@link Judge});</li>
 *   <li>every error Portcullis makes itself well-formed in the called API's format;</li>
 *   <li>heap after the run and a GC within {@code portcullis.fuzz.heapMarginMb} (64 MiB) of the
 *       baseline measured after the first batch and a GC;</li>
 *   <li>no canary (provider keys, virtual key, OAuth secret and token, admin token) in any log
 *       line, answer or metrics scrape, and no virtual key or token sent upstream;</li>
 *   <li>no ERROR log line (malformed requests and disconnects are not errors of Portcullis), and no
 *       access line saying 200 with outcome "error";</li>
 *   <li>the gateway drains promptly when stopped afterwards (no call left counted in flight).</li>
 * </ul>
 * Replay: the seed is printed, {@code -Dportcullis.fuzz.seed=S} repeats a run and
 * {@code -Dportcullis.fuzz.case=N} sends only case N. The full report goes to
 * {@code target/fuzz-report.txt}.
 */
class GatewayFuzzTest {

  private static final FuzzSettings SETTINGS = new FuzzSettings();
  private static FuzzRig rig;

  @BeforeAll
  static void start() {
    rig = new FuzzRig();
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void generatedRequestsNeitherBreakNorLeak() throws Exception {
    System.out.println("fuzz seed " + SETTINGS.seed + ", " + SETTINGS.requests + " requests (replay: "
        + SETTINGS.replayHint() + ")");
    CaseGenerator generator = new CaseGenerator(SETTINGS.seed, rig);
    Findings findings = new Findings();
    Judge judge = new Judge(findings, rig.canaries);
    LogCapture logs = new LogCapture(rig.canaries);
    Map<String, AtomicInteger> routeHits = new ConcurrentHashMap<>();
    // vertx-web's body handler keeps multipart uploads in ./file-uploads unless told not to.
    Path uploads = Path.of("file-uploads");
    long uploadsBefore = Files.isDirectory(uploads) ? Files.list(uploads).count() : 0;
    long started = System.nanoTime();
    long baseline = -1;
    int slowAnswers = 0;
    long slowestAnswerMs = 0;
    int sent = 0;
    logs.attach();
    SlowAnswers slow = new SlowAnswers(SETTINGS.answerTimeoutMs);
    try (ClientTransport client = new ClientTransport(SETTINGS.clientInFlight, SETTINGS.answerTimeoutMs, slow)) {
      int first = SETTINGS.onlyCase >= 0 ? SETTINGS.onlyCase : 0;
      int end = SETTINGS.onlyCase >= 0 ? SETTINGS.onlyCase + 1 : SETTINGS.requests;
      for (int from = first; from < end; from += SETTINGS.batch) {
        int to = Math.min(end, from + SETTINGS.batch);
        runBatch(generator, client, slow, judge, routeHits, from, to);
        sent += to - from;
        slowAnswers = slow.count();
        slowestAnswerMs = slow.slowestMs();
        String alive = stillAnswers();
        if (alive != null) {
          findings.add("crash", "after " + sent + " requests the gateway " + alive);
          break;
        }
        if (baseline < 0 && SETTINGS.onlyCase < 0) {
          baseline = usedHeapAfterGc();
        }
      }
    } finally {
      logs.detach();
    }
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    StringBuilder summary = new StringBuilder("fuzz run: " + sent + " requests in " + seconds + " s; answers "
        + new java.util.TreeMap<>(judge.statusCounts) + "; " + logs.lines() + " log lines, " + logs.errorLines()
        + " at ERROR; upstream calls " + rig.fake.calls() + "; answers slower than " + SETTINGS.answerTimeoutMs
        + " ms: " + slowAnswers + " (slowest " + slowestAnswerMs + " ms)\n");
    // One slow answer is the machine; many are the gateway.
    if (slowAnswers > Math.max(1, sent / 1_000)) {
      findings.add("slow answers", slowAnswers + " of " + sent + " answers took longer than " + SETTINGS.answerTimeoutMs
          + " ms (slowest " + slowestAnswerMs + " ms)");
    }

    if (SETTINGS.onlyCase < 0) {
      long after = usedHeapAfterGc();
      summary.append("heap used after GC: baseline ").append(after < 0 ? "?" : baseline >> 20).append(" MiB, after the run ")
          .append(after >> 20).append(" MiB (margin ").append(SETTINGS.heapMarginMb).append(" MiB)\n");
      if (baseline >= 0 && after - baseline > (long) SETTINGS.heapMarginMb << 20) {
        findings.add("heap", "used heap after GC grew from " + (baseline >> 20) + " MiB to " + (after >> 20) + " MiB");
      }
      checkMetrics(findings);
      for (ProviderRoute route : generator.routes()) {
        String key = "route:" + route.provider() + " " + route.method() + " " + route.path();
        if (!routeHits.containsKey(key)) {
          findings.add("coverage", "no case for " + key);
        }
      }
    }
    logs.errorsByMessage().forEach((message, count) ->
        findings.add("ERROR log line", count.get() + "x " + message));
    logs.leaks().forEach((leak, count) ->
        findings.add("canary in a log line", count.get() + "x " + leak + ": " + logs.leakSample(leak)));
    if (logs.accessLinesOkWithOutcomeError() > 0) {
      findings.add("access log", logs.accessLinesOkWithOutcomeError() + " access lines say status 200 with outcome error");
    }
    long uploadsAfter = Files.isDirectory(uploads) ? Files.list(uploads).count() : 0;
    if (uploadsAfter > uploadsBefore) {
      findings.add("written to disk", (uploadsAfter - uploadsBefore) + " request upload(s) left in "
          + uploads.toAbsolutePath() + ": a request must never write to disk");
    }
    rig.canaries.upstreamLeaks().forEach(leak -> findings.add("sent upstream", leak));
    if (SETTINGS.onlyCase < 0) {
      long drainMillis = rig.closeGatewayMillis();
      summary.append("gateway stopped in ").append(drainMillis).append(" ms\n");
      if (drainMillis > 5_000) {
        findings.add("drain", "stopping the gateway after the run took " + drainMillis
            + " ms: calls that were answered (or never will be) are still counted in flight");
      }
    }

    String report = summary + (findings.isEmpty() ? "no findings\n" : findings.report());
    Path file = Path.of("target", "fuzz-report.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "seed " + SETTINGS.seed + "\n" + report);
    System.out.println(report);
    assertThat(findings.isEmpty())
        .as("fuzz findings (seed " + SETTINGS.seed + ", replay with " + SETTINGS.replayHint() + "; full report in "
            + file.toAbsolutePath() + "):\n" + (report.length() > 60_000 ? report.substring(0, 60_000) + "\n..." : report))
        .isTrue();
  }

  private void runBatch(CaseGenerator generator, ClientTransport client, SlowAnswers slow, Judge judge,
      Map<String, AtomicInteger> routeHits, int from, int to) throws InterruptedException {
    AtomicInteger next = new AtomicInteger(from);
    Semaphore inFlight = new Semaphore(SETTINGS.clientInFlight);
    CountDownLatch workersDone = new CountDownLatch(SETTINGS.rawWorkers);
    ExecutorService workers = Executors.newFixedThreadPool(SETTINGS.rawWorkers);
    for (int w = 0; w < SETTINGS.rawWorkers; w++) {
      workers.execute(() -> {
        Map<FuzzCase.Server, RawConnection> connections = new HashMap<>();
        try {
          for (int index = next.getAndIncrement(); index < to; index = next.getAndIncrement()) {
            FuzzCase c = generator.generate(index);
            c.tags.stream().filter(t -> t.startsWith("route:")).forEach(t ->
                routeHits.computeIfAbsent(t, k -> new AtomicInteger()).incrementAndGet());
            int port = portOf(c.server);
            if (c.transport == FuzzCase.Transport.RAW) {
              RawConnection connection = connections.computeIfAbsent(c.server,
                  s -> new RawConnection(port, SETTINGS.answerTimeoutMs, slow));
              judge.judge(c, connection.exchange(c));
            } else {
              inFlight.acquireUninterruptibly();
              client.send(c, port).onComplete(ar -> {
                try {
                  judge.judge(c, ar.succeeded() ? ar.result() : Answer.problem("no-answer"));
                } finally {
                  inFlight.release();
                }
              });
            }
          }
        } catch (RuntimeException e) {
          e.printStackTrace();
        } finally {
          connections.values().forEach(RawConnection::close);
          workersDone.countDown();
        }
      });
    }
    workersDone.await();
    inFlight.acquire(SETTINGS.clientInFlight);
    workers.shutdown();
  }

  private static int portOf(FuzzCase.Server server) {
    return switch (server) {
      case GATEWAY -> rig.portcullis.port();
      case ADMIN -> rig.adminPort();
      case METRICS -> rig.portcullis.metricsPort();
    };
  }

  /** Null when /health and a normal chat call answer as they should; else what went wrong. */
  private static String stillAnswers() {
    try {
      HttpResponse<String> health = rig.send(HttpRequest.newBuilder(URI.create(rig.portcullis.url("/health")))
          .timeout(Duration.ofSeconds(10)).build());
      if (health.statusCode() != 200) {
        return "answered /health with " + health.statusCode();
      }
      HttpResponse<String> chat = rig.send(HttpRequest.newBuilder(URI.create(rig.portcullis.providerUrl("openai")
              + "/chat/completions")).timeout(Duration.ofSeconds(10))
          .header("Authorization", "Bearer sk-liveness-check").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
          .build());
      if (chat.statusCode() != 200 || !chat.body().contains("chat.completion")) {
        return "answered a normal chat call with " + chat.statusCode() + ": " + chat.body();
      }
      return null;
    } catch (RuntimeException e) {
      return "did not answer: " + e.getMessage();
    }
  }

  private static void checkMetrics(Findings findings) {
    HttpResponse<String> scrape = rig.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + rig.portcullis.metricsPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build());
    String leak = rig.canaries.find(scrape.body());
    if (leak != null) {
      findings.add("canary in /metrics", leak);
    }
    // Labels come from the route table and upstream answers, never from what a client made up:
    // pieces of fuzzed paths, model names or markers in a label would make the series unbounded.
    for (String made : List.of("jsessionid", "a".repeat(20), "m".repeat(20), "%zz", FakeProviders.FAIL_MARKER,
        FakeProviders.RESET_MARKER, "..%2F")) {
      scrape.body().lines().filter(line -> !line.startsWith("#") && line.contains(made)).findFirst()
          .ifPresent(line -> findings.add("metrics", "a label holds client input (" + made + "): "
              + (line.length() > 300 ? line.substring(0, 300) + "..." : line)));
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
