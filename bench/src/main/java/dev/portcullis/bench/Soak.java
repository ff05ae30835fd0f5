package dev.portcullis.bench;

import dev.portcullis.testkit.FaultyUpstream;
import dev.portcullis.testkit.FaultyUpstream.CallStats;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The fault soak's load driver: chat completions through the gateway's OpenAI route with a virtual
 * key, open loop at a fixed rate for a fixed time, half of them (by default) streamed, each with its
 * own call id, against a {@link FaultyUpstream} that injects faults. Every call is classified:
 *
 * <ul>
 *   <li><b>correct</b>: 200 and exactly {@link FaultyUpstream#expectedAnswer} (a stream: every
 *       chunk parsed, the content concatenated, the finish reason, the usage chunk and
 *       {@code [DONE]} seen, nothing after it);
 *   <li><b>well-formed error</b>: a non-2xx status with OpenAI's JSON error body
 *       ({@code {"error":{"message":...}}}), or a stream that ended with such an error event (what
 *       came before it being a correct beginning of the answer);
 *   <li><b>malformed</b>: any other answer (a 200 with wrong or unparseable content, a stream that
 *       ends without {@code [DONE]} or an error event, a non-OpenAI error body);
 *   <li><b>lost</b>: no complete answer (connection reset or closed under the client, no answer
 *       within the client timeout).
 * </ul>
 *
 * <p>Around the load it reads the gateway's Prometheus counters (before and after), samples its
 * resident memory ({@code /proc/<pid>/status}), heap ({@code jvm_memory_used_bytes{area="heap"}})
 * and open descriptors every 10 s, and asks the upstream ({@code /_soak/*}) how many requests came
 * after an answer had begun (duplicate side effects) and which faults each call got.
 * {@link #run(Config)} returns the {@link SoakReport}; {@link #main} prints it and exits 1 when a
 * pass criterion failed.
 */
public final class Soak {

  private static final String DONE = "[DONE]";
  private static final int CLIENTS = 4;
  /** The gateway's answer header that says how many attempts a call took, when more than one. */
  static final String ATTEMPTS_HEADER = "x-portcullis-attempts";

  /** How a call ended, from the client's side. */
  public enum Outcome { CORRECT, WELL_FORMED_ERROR, MALFORMED, LOST }

  /**
   * One soak run.
   *
   * @param gatewayUrl {@code http://127.0.0.1:9000}
   * @param route the chat completions path under it
   * @param virtualKey the key every call carries
   * @param rate calls per second
   * @param seconds how long calls are started
   * @param warmupCalls calls made one after another before the baselines (not timed)
   * @param streamShare the share of streamed calls, 0 to 1
   * @param model the model named in each call
   * @param clientTimeoutMs a call with no complete answer after this long is lost
   * @param metricsUrl the gateway's Prometheus endpoint, or null
   * @param upstreamUrl the fault upstream's root ({@code http://127.0.0.1:18091}), or null
   * @param gatewayPid the gateway's process id, or 0 when unknown
   * @param sampleEveryMs how often memory and descriptors are sampled
   * @param rssTolerance how much the resident memory may grow between the baseline sample (a
   *     quarter into the load, at most a minute) and the end, as a share of the baseline
   * @param rssSlackKb growth always allowed, whatever the share
   * @param fdSlack how many more descriptors than before the load may be open after it
   * @param fdSettleMs how long to wait after the load for descriptors to come down
   * @param seed picks which calls stream
   * @param connections the most connections the driver opens to the gateway (calls beyond wait for one)
   * @param runId names the run in every call id ({@code soak-<runId>-<n>}); the upstream draws each
   *     call's faults from its id, so a fixed run id against a fresh upstream injects the same faults
   *     into the same calls every time; null: a new one per run
   * @param setup lines the report starts with (how the gateway and upstream were set up)
   */
  public record Config(String gatewayUrl, String route, String virtualKey, int rate, int seconds, int warmupCalls,
      double streamShare, String model, long clientTimeoutMs, String metricsUrl, String upstreamUrl, long gatewayPid,
      long sampleEveryMs, double rssTolerance, long rssSlackKb, int fdSlack, long fdSettleMs, long seed,
      int connections, String runId, List<String> setup) {

    public Config {
      if (rate < 1 || seconds < 1 || !(streamShare >= 0 && streamShare <= 1) || clientTimeoutMs < 1
          || connections < CLIENTS) {
        throw new IllegalArgumentException("rate and seconds must be 1 or more, streamShare 0 to 1, connections "
            + CLIENTS + " or more");
      }
      if (runId != null && !runId.matches("[A-Za-z0-9]{1,20}")) {
        throw new IllegalArgumentException("runId must be 1 to 20 letters or digits");
      }
      setup = List.copyOf(setup);
    }

    /** 50% streams, 20 warm-up calls, 60 s client timeout, samples every 10 s, RSS +25% (or 24 MB), fds +16. */
    public static Config of(String gatewayUrl, String virtualKey, int rate, int seconds) {
      return new Config(gatewayUrl, "/v1/openai/chat/completions", virtualKey, rate, seconds, 20, 0.5, "gpt-4o-mini",
          60_000, null, null, 0, 10_000, 0.25, 24 * 1024, 16, 30_000, 1, 512, null, List.of());
    }

    public Config withObservation(String metricsUrl, String upstreamUrl, long gatewayPid) {
      return new Config(gatewayUrl, route, virtualKey, rate, seconds, warmupCalls, streamShare, model, clientTimeoutMs,
          metricsUrl, upstreamUrl, gatewayPid, sampleEveryMs, rssTolerance, rssSlackKb, fdSlack, fdSettleMs, seed,
          connections, runId, setup);
    }

    public Config withRoute(String path) {
      return new Config(gatewayUrl, path, virtualKey, rate, seconds, warmupCalls, streamShare, model, clientTimeoutMs,
          metricsUrl, upstreamUrl, gatewayPid, sampleEveryMs, rssTolerance, rssSlackKb, fdSlack, fdSettleMs, seed,
          connections, runId, setup);
    }

    public Config withSetup(List<String> lines) {
      return new Config(gatewayUrl, route, virtualKey, rate, seconds, warmupCalls, streamShare, model, clientTimeoutMs,
          metricsUrl, upstreamUrl, gatewayPid, sampleEveryMs, rssTolerance, rssSlackKb, fdSlack, fdSettleMs, seed,
          connections, runId, lines);
    }

    public Config withStreamShare(double share) {
      return new Config(gatewayUrl, route, virtualKey, rate, seconds, warmupCalls, share, model, clientTimeoutMs,
          metricsUrl, upstreamUrl, gatewayPid, sampleEveryMs, rssTolerance, rssSlackKb, fdSlack, fdSettleMs, seed,
          connections, runId, setup);
    }

    public Config withLimits(double rssTolerance, long rssSlackKb, int fdSlack) {
      return new Config(gatewayUrl, route, virtualKey, rate, seconds, warmupCalls, streamShare, model, clientTimeoutMs,
          metricsUrl, upstreamUrl, gatewayPid, sampleEveryMs, rssTolerance, rssSlackKb, fdSlack, fdSettleMs, seed,
          connections, runId, setup);
    }

    public Config withClientTimeoutMs(long ms) {
      return new Config(gatewayUrl, route, virtualKey, rate, seconds, warmupCalls, streamShare, model, ms,
          metricsUrl, upstreamUrl, gatewayPid, sampleEveryMs, rssTolerance, rssSlackKb, fdSlack, fdSettleMs, seed,
          connections, runId, setup);
    }

    public Config withConnections(int value) {
      return new Config(gatewayUrl, route, virtualKey, rate, seconds, warmupCalls, streamShare, model, clientTimeoutMs,
          metricsUrl, upstreamUrl, gatewayPid, sampleEveryMs, rssTolerance, rssSlackKb, fdSlack, fdSettleMs, seed, value,
          runId, setup);
    }

    public Config withRunId(String value) {
      return new Config(gatewayUrl, route, virtualKey, rate, seconds, warmupCalls, streamShare, model, clientTimeoutMs,
          metricsUrl, upstreamUrl, gatewayPid, sampleEveryMs, rssTolerance, rssSlackKb, fdSlack, fdSettleMs, seed,
          connections, value, setup);
    }

    public Config withSeed(long value) {
      return new Config(gatewayUrl, route, virtualKey, rate, seconds, warmupCalls, streamShare, model, clientTimeoutMs,
          metricsUrl, upstreamUrl, gatewayPid, sampleEveryMs, rssTolerance, rssSlackKb, fdSlack, fdSettleMs, value,
          connections, runId, setup);
    }
  }

  /** A call that did not end correctly: what the client saw. */
  private record Failed(long seq, String callId, boolean stream, Outcome outcome, String kind, String detail) {}

  private final Config config;
  private final String runId;
  private final long total;
  /** Per call: 0 while it has not ended, else its outcome's ordinal + 1. */
  private final byte[] outcomes;
  private final boolean[] streamed;
  private final AtomicLong done = new AtomicLong();
  private final long[] counts = new long[Outcome.values().length];
  /** How late the driver started its latest-started call (an overloaded driver is not open loop). */
  private volatile long maxStartLagNanos;
  private long retriedCalls;
  private long extraAttempts;
  private final Map<String, Long> errorKinds = new TreeMap<>();
  private final List<Failed> failed = new ArrayList<>();
  private final Histogram jsonLatency = new Histogram(TimeUnit.MINUTES.toNanos(5), 3);
  private final Histogram streamLatency = new Histogram(TimeUnit.MINUTES.toNanos(5), 3);
  private final Histogram streamTtfb = new Histogram(TimeUnit.MINUTES.toNanos(5), 3);

  private Vertx vertx;
  /**
   * Calls go round-robin over a few clients with small pools: Vert.x picks a pooled connection by
   * scanning all of a pool's connections, which costs more than the call itself in a pool of
   * thousands (what an open loop opens when the gateway slows down).
   */
  private final HttpClientAgent[] clients = new HttpClientAgent[CLIENTS];
  private CountDownLatch allDone;

  private Soak(Config config) {
    this.config = config;
    this.runId = config.runId() != null ? config.runId()
        : Long.toString(System.currentTimeMillis() % 100_000_000L, 36) + Integer.toString((int) (Math.random() * 1296), 36);
    this.total = (long) config.rate() * config.seconds() + config.warmupCalls();
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("too many calls: " + total);
    }
    this.outcomes = new byte[(int) total];
    this.streamed = new boolean[(int) total];
  }

  /** Runs a soak and reports; the gateway and the upstream must be running. */
  public static SoakReport run(Config config) throws Exception {
    return new Soak(config).execute();
  }

  private SoakReport execute() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    for (int i = 0; i < CLIENTS; i++) {
      clients[i] = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
          .setKeepAliveTimeout(30), new PoolOptions().setHttp1MaxSize(config.connections() / CLIENTS));
    }
    allDone = new CountDownLatch(1);
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "soak-sampler");
      t.setDaemon(true);
      return t;
    });
    List<SoakReport.Sample> samples = Collections.synchronizedList(new ArrayList<>());
    try {
      // Warm-up: one call after another, so the gateway has opened what it keeps open.
      for (int i = 0; i < config.warmupCalls(); i++) {
        CountDownLatch one = new CountDownLatch(1);
        long seq = i;
        vertx.runOnContext(v -> call(seq, System.nanoTime(), one::countDown));
        if (!one.await(config.clientTimeoutMs() + 5_000, TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("a warm-up call did not end");
        }
      }
      Thread.sleep(1_000);
      Map<String, Double> metricsBefore = SoakGateway.scrape(config.metricsUrl());
      FaultyUpstream.Stats upstreamBefore = upstreamStats();
      int fdsBefore = SoakGateway.openFds(config.gatewayPid());

      long loadStart = System.nanoTime();
      samples.add(sample(0));
      sampler.scheduleAtFixedRate(() -> {
        long t = Math.round((System.nanoTime() - loadStart) / 1e9);
        SoakReport.Sample s = sample(t);
        samples.add(s);
        System.err.printf(Locale.ROOT, "soak: %4d s  %d/%d calls ended  correct %d  errors %d  malformed %d  lost %d"
            + "  rss %.0f MB  fds %d%n", t, done.get(), total, count(Outcome.CORRECT), count(Outcome.WELL_FORMED_ERROR),
            count(Outcome.MALFORMED), count(Outcome.LOST), s.rssKb() / 1024.0, s.fds());
      }, config.sampleEveryMs(), config.sampleEveryMs(), TimeUnit.MILLISECONDS);

      load(loadStart);
      long loadEnd = loadStart + TimeUnit.SECONDS.toNanos(config.seconds());
      long waitMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(loadEnd - System.nanoTime())) + config.clientTimeoutMs() + 10_000;
      if (!allDone.await(waitMs, TimeUnit.MILLISECONDS)) {
        System.err.println("soak: " + (total - done.get()) + " calls never ended (not even by the client timeout)");
      }
      sampler.shutdownNow();
      sampler.awaitTermination(15, TimeUnit.SECONDS);
      samples.add(sample(Math.round((System.nanoTime() - loadStart) / 1e9)));
      for (HttpClientAgent client : clients) {
        client.close().await();
      }

      int fdsAfter = settleFds(fdsBefore);
      Map<String, Double> metricsAfter = SoakGateway.scrape(config.metricsUrl());
      FaultyUpstream.Stats upstreamAfter = upstreamStats();
      Map<String, CallStats> faulted = upstreamFaulted();
      return report(metricsBefore, metricsAfter, upstreamBefore, upstreamAfter, faulted, new ArrayList<>(samples),
          fdsBefore, fdsAfter);
    } finally {
      sampler.shutdownNow();
      vertx.close().await();
    }
  }

  /** Starts calls as they fall due (open loop: a slow answer never delays the next call). */
  private void load(long start) throws InterruptedException {
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / config.rate();
    long first = config.warmupCalls();
    AtomicLong next = new AtomicLong(first);
    CountDownLatch started = new CountDownLatch(1);
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (next.get() < total) {
        long due = start + (next.get() - first) * intervalNanos;
        if (due > now) {
          break;
        }
        long seq = next.getAndIncrement();
        maxStartLagNanos = Math.max(maxStartLagNanos, now - due);
        call(seq, due, null);
      }
      if (next.get() >= total) {
        vertx.cancelTimer(id);
        started.countDown();
      }
    });
    started.await();
  }

  private long count(Outcome outcome) {
    synchronized (counts) {
      return counts[outcome.ordinal()];
    }
  }

  // ---- one call ----

  private String callId(long seq) {
    return "soak-" + runId + "-" + seq;
  }

  private int piecesOf(long seq) {
    return 8 + (int) (seq % 9);
  }

  private boolean isStream(long seq) {
    long z = seq * 0x9E3779B97F4A7C15L + config.seed();
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53 < config.streamShare();
  }

  private Buffer body(String callId, int pieces, boolean stream) {
    JsonObject body = new JsonObject().put("model", config.model()).put("max_tokens", pieces);
    if (stream) {
      body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }
    body.put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "You are the far end of a soak test."))
        .add(new JsonObject().put("role", "user").put("content", "Call " + callId + ": answer in " + pieces + " pieces.")));
    return body.toBuffer();
  }

  /** One call: sent, read, classified exactly once (by its end, its failure or the client timeout). */
  private void call(long seq, long due, Runnable then) {
    String callId = callId(seq);
    int pieces = piecesOf(seq);
    boolean stream = isStream(seq);
    streamed[(int) seq] = stream;
    String expected = FaultyUpstream.expectedAnswer(callId, pieces);
    Exchange exchange = new Exchange(seq, callId, stream, expected, due, then);
    exchange.timer = vertx.setTimer(config.clientTimeoutMs(), t -> exchange.timeout());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(config.gatewayUrl() + config.route())
        .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + config.virtualKey());
    clients[(int) (seq % CLIENTS)].request(options).onComplete(ar -> {
      if (ar.failed()) {
        exchange.finish(Outcome.LOST, "no connection to the gateway", String.valueOf(ar.cause()));
        return;
      }
      HttpClientRequest request = ar.result();
      // Failures reach the send future; without a handler, Vert.x also logs each reset as an ERROR.
      request.exceptionHandler(err -> { });
      exchange.request = request;
      if (exchange.finished) {
        request.reset();
        return;
      }
      request.send(body(callId, pieces, stream)).onComplete(rr -> {
        if (rr.failed()) {
          exchange.finish(Outcome.LOST, "connection failed before a response (reset or closed)", String.valueOf(rr.cause()));
          return;
        }
        HttpClientResponse response = rr.result();
        exchange.status = response.statusCode();
        exchange.contentType = response.getHeader("content-type");
        exchange.attempts = attemptsOf(response.getHeader(ATTEMPTS_HEADER));
        response.handler(chunk -> {
          if (exchange.firstByte == 0) {
            exchange.firstByte = System.nanoTime();
          }
          exchange.body.appendBuffer(chunk);
        });
        response.exceptionHandler(exchange::broken);
        response.endHandler(v -> exchange.ended());
      });
    });
  }

  private final class Exchange {
    final long seq;
    final String callId;
    final boolean stream;
    final String expected;
    final long due;
    final Runnable then;
    final Buffer body = Buffer.buffer();
    HttpClientRequest request;
    long timer;
    int status;
    String contentType;
    int attempts = 1;
    long firstByte;
    boolean finished;

    Exchange(long seq, String callId, boolean stream, String expected, long due, Runnable then) {
      this.seq = seq;
      this.callId = callId;
      this.stream = stream;
      this.expected = expected;
      this.due = due;
      this.then = then;
    }

    void timeout() {
      if (finished) {
        return;
      }
      finish(Outcome.LOST, "client timeout (" + config.clientTimeoutMs() / 1000 + " s)" + (status == 0 ? " before a response"
          : stream ? " mid-stream" : " mid-body"), progress());
      if (request != null) {
        request.reset();
      }
    }

    void broken(Throwable cause) {
      if (finished) {
        return;
      }
      if (stream && status == 200) {
        // An error event already received is the answer; a reset after it loses nothing.
        StreamRead read = readStream(body, expected);
        if (read.errorEvent != null && read.problem == null) {
          finishError("200 stream + error event, then the connection failed: " + read.errorEvent);
          return;
        }
      }
      finish(Outcome.LOST, (stream ? "stream " : "") + "connection failed after the response head (status " + status + ")",
          progress() + ": " + cause);
    }

    void ended() {
      if (finished) {
        return;
      }
      if (status == 200) {
        if (stream) {
          classifyStream();
        } else {
          classifyJson();
        }
      } else if (status >= 200 && status < 300) {
        finish(Outcome.MALFORMED, "status " + status + " instead of 200", progress());
      } else {
        String kind = openAiError(body);
        if (kind != null) {
          finishError(status + " " + kind);
        } else {
          finish(Outcome.MALFORMED, "status " + status + " without an OpenAI error body", progress() + ": " + snippet(body));
        }
      }
    }

    private void classifyJson() {
      JsonObject json;
      try {
        json = new JsonObject(body);
      } catch (RuntimeException e) {
        finish(Outcome.MALFORMED, "200 whose body is not JSON", progress() + ": ..." + tail(body));
        return;
      }
      String content = null;
      try {
        content = json.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
      } catch (RuntimeException e) {
        // stays null
      }
      if (!"chat.completion".equals(json.getValue("object")) || content == null) {
        finish(Outcome.MALFORMED, "200 that is not a chat.completion", progress() + ": " + snippet(body));
      } else if (!content.equals(expected)) {
        finish(Outcome.MALFORMED, "200 with the wrong content", "checksum " + FaultyUpstream.checksum(content)
            + ", expected " + FaultyUpstream.checksum(expected) + ": '" + content + "'");
      } else if (!(json.getValue("usage") instanceof JsonObject)) {
        finish(Outcome.MALFORMED, "200 without usage", progress());
      } else {
        finish(Outcome.CORRECT, null, null);
      }
    }

    private void classifyStream() {
      StreamRead read = readStream(body, expected);
      if (read.problem != null) {
        finish(Outcome.MALFORMED, "200 stream: " + read.problem, read.describe(body.length()));
      } else if (read.errorEvent != null) {
        finishError("200 stream + error event: " + read.errorEvent);
      } else if (!read.done) {
        finish(Outcome.MALFORMED, "200 stream that ended without [DONE] or an error event", read.describe(body.length()));
      } else if (!read.content.toString().equals(expected)) {
        finish(Outcome.MALFORMED, "200 stream with the wrong content", read.describe(body.length()));
      } else if (!read.finished || !read.usage) {
        finish(Outcome.MALFORMED, "200 stream without its " + (read.finished ? "usage chunk" : "finish chunk"),
            read.describe(body.length()));
      } else {
        finish(Outcome.CORRECT, null, null);
      }
    }

    private String progress() {
      return body.length() + " bytes received";
    }

    void finishError(String kind) {
      finish(Outcome.WELL_FORMED_ERROR, kind, null);
    }

    void finish(Outcome outcome, String kind, String detail) {
      if (finished) {
        return;
      }
      finished = true;
      vertx.cancelTimer(timer);
      long now = System.nanoTime();
      outcomes[(int) seq] = (byte) (outcome.ordinal() + 1);
      synchronized (counts) {
        counts[outcome.ordinal()]++;
        if (attempts > 1) {
          retriedCalls++;
          extraAttempts += attempts - 1;
        }
        if (outcome == Outcome.CORRECT) {
          if (seq >= config.warmupCalls()) {
            Histogram latency = stream ? streamLatency : jsonLatency;
            latency.recordValue(Math.min(now - due, latency.getHighestTrackableValue()));
            if (stream && firstByte > 0) {
              streamTtfb.recordValue(Math.min(Math.max(0, firstByte - due), streamTtfb.getHighestTrackableValue()));
            }
          }
        } else if (outcome == Outcome.WELL_FORMED_ERROR) {
          errorKinds.merge((stream ? "stream: " : "json: ") + kind, 1L, Long::sum);
          failed.add(new Failed(seq, callId, stream, outcome, kind, detail));
        } else {
          failed.add(new Failed(seq, callId, stream, outcome, kind, detail));
        }
      }
      if (then != null) {
        then.run();
      }
      if (done.incrementAndGet() == total) {
        allDone.countDown();
      }
    }
  }

  // ---- reading answers ----

  private static int attemptsOf(String header) {
    try {
      return header == null ? 1 : Math.max(1, Integer.parseInt(header.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** {@code type/code} of an OpenAI error body, or null when it is not one. */
  static String openAiError(Buffer body) {
    try {
      return openAiError(new JsonObject(body));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String openAiError(JsonObject json) {
    if (json.getValue("error") instanceof JsonObject error && error.getValue("message") instanceof String) {
      Object type = error.getValue("type");
      Object code = error.getValue("code");
      return (type == null ? "(no type)" : type) + (code == null ? "" : "/" + code);
    }
    return null;
  }

  /** What a streamed answer held: its content, markers, and the first thing wrong with it. */
  static final class StreamRead {
    final StringBuilder content = new StringBuilder();
    int chunks;
    boolean done;
    boolean finished;
    boolean usage;
    String errorEvent;
    String problem;
    private final String expected;

    StreamRead(String expected) {
      this.expected = expected;
    }

    void event(String data) {
      if (problem != null) {
        return;
      }
      if (done) {
        problem = "data after [DONE]";
        return;
      }
      if (errorEvent != null) {
        problem = "data after the error event";
        return;
      }
      if (data.equals(DONE)) {
        done = true;
        return;
      }
      JsonObject json;
      try {
        json = new JsonObject(data);
      } catch (RuntimeException e) {
        problem = "an event that is not JSON: " + (data.length() > 80 ? data.substring(0, 80) + "..." : data);
        return;
      }
      String error = openAiError(json);
      if (error != null) {
        errorEvent = error;
        if (!expected.startsWith(content.toString())) {
          problem = "an error event after wrong content";
        }
        return;
      }
      if (!"chat.completion.chunk".equals(json.getValue("object"))) {
        problem = "an event that is neither a chunk nor an error";
        return;
      }
      chunks++;
      if (json.getValue("choices") instanceof JsonArray choices) {
        for (Object o : choices) {
          if (o instanceof JsonObject choice) {
            if (choice.getValue("delta") instanceof JsonObject delta && delta.getValue("content") instanceof String text) {
              content.append(text);
            }
            if (choice.getValue("finish_reason") instanceof String reason) {
              finished = reason.equals("stop");
            }
          }
        }
      }
      if (json.getValue("usage") instanceof JsonObject) {
        usage = true;
      }
    }

    String describe(int bytes) {
      String got = content.toString();
      int agree = 0;
      while (agree < got.length() && agree < expected.length() && got.charAt(agree) == expected.charAt(agree)) {
        agree++;
      }
      return bytes + " bytes, " + chunks + " chunks, content " + got.length() + "/" + expected.length() + " chars"
          + (agree == got.length() ? " (a correct prefix)" : " (differs at char " + agree + ")")
          + ", checksum " + FaultyUpstream.checksum(got) + " (expected " + FaultyUpstream.checksum(expected) + ")"
          + (done ? ", [DONE] seen" : ", no [DONE]") + (finished ? ", finish seen" : "") + (usage ? ", usage seen" : "");
    }
  }

  /** Reads a whole SSE body: events are separated by a blank line, their data lines joined. */
  static StreamRead readStream(Buffer body, String expected) {
    StreamRead read = new StreamRead(expected);
    String text = body.toString(StandardCharsets.UTF_8);
    StringBuilder data = null;
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      boolean last = end < 0;
      String line = last ? text.substring(start) : text.substring(start, end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        if (data != null) {
          read.event(data.toString());
          data = null;
        }
      } else if (line.startsWith("data:")) {
        String value = line.substring(5);
        value = value.startsWith(" ") ? value.substring(1) : value;
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      } else if (!line.startsWith(":") && !line.startsWith("event:") && !line.startsWith("id:")
          && !line.startsWith("retry:") && read.problem == null) {
        read.problem = "a line that is not SSE: " + (line.length() > 80 ? line.substring(0, 80) + "..." : line);
      }
      if (last) {
        break;
      }
      start = end + 1;
    }
    if (data != null && read.problem == null) {
      read.problem = "a last event without its blank line";
    }
    return read;
  }

  private static String snippet(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8).replace('\n', ' ').replace("|", "\\|");
    return text.length() > 160 ? text.substring(0, 160) + "..." : text;
  }

  private static String tail(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8).replace('\n', ' ').replace("|", "\\|");
    return text.length() > 60 ? text.substring(text.length() - 60) : text;
  }

  // ---- observation ----

  private SoakReport.Sample sample(long seconds) {
    Map<String, Double> metrics = SoakGateway.scrape(config.metricsUrl());
    return new SoakReport.Sample(seconds, SoakGateway.rssKb(config.gatewayPid()),
        SoakGateway.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\""), SoakGateway.openFds(config.gatewayPid()));
  }

  /** Descriptors after the load, once they come down to the slack (idle connections closing), or after the settle time. */
  private int settleFds(int before) throws InterruptedException {
    int fds = SoakGateway.openFds(config.gatewayPid());
    long deadline = System.currentTimeMillis() + config.fdSettleMs();
    while (fds >= 0 && before >= 0 && fds > before + config.fdSlack() && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      fds = SoakGateway.openFds(config.gatewayPid());
    }
    return fds;
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private JsonObject upstreamGet(String path) {
    if (config.upstreamUrl() == null) {
      return null;
    }
    try {
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(config.upstreamUrl() + path))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return answer.statusCode() == 200 ? new JsonObject(answer.body()) : null;
    } catch (IOException | RuntimeException e) {
      System.err.println("soak: could not read " + config.upstreamUrl() + path + ": " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private FaultyUpstream.Stats upstreamStats() {
    JsonObject json = upstreamGet("/_soak/stats");
    return json == null ? null : FaultyUpstream.Stats.fromJson(json);
  }

  private Map<String, CallStats> upstreamFaulted() {
    JsonObject json = upstreamGet("/_soak/faulted");
    Map<String, CallStats> calls = new LinkedHashMap<>();
    if (json != null) {
      json.getJsonObject("calls", new JsonObject()).forEach(e -> {
        if (e.getKey().startsWith("soak-" + runId + "-")) {
          calls.put(e.getKey(), CallStats.fromJson((JsonObject) e.getValue()));
        }
      });
    }
    return calls;
  }

  // ---- the report ----

  private SoakReport report(Map<String, Double> metricsBefore, Map<String, Double> metricsAfter,
      FaultyUpstream.Stats upstreamBefore, FaultyUpstream.Stats upstreamAfter, Map<String, CallStats> faulted,
      List<SoakReport.Sample> samples, int fdsBefore, int fdsAfter) {
    long correct = count(Outcome.CORRECT);
    long errors = count(Outcome.WELL_FORMED_ERROR);
    long malformed = count(Outcome.MALFORMED);
    long lost = count(Outcome.LOST);
    long classified = correct + errors + malformed + lost;

    // Gateway counters.
    String retriesName = "portcullis_upstream_retries_total";
    String failoversName = "portcullis_upstream_failovers_total";
    Double retries = delta(metricsBefore, metricsAfter, retriesName);
    Double failovers = delta(metricsBefore, metricsAfter, failoversName);
    Map<String, Double> upstreamCounters = new TreeMap<>();
    metricsAfter.forEach((series, value) -> {
      String name = SoakGateway.nameOf(series);
      if ((name.startsWith("portcullis_upstream_") || name.startsWith("portcullis_circuit_")) && name.endsWith("_total")) {
        double d = value - metricsBefore.getOrDefault(series, 0.0);
        if (d != 0) {
          upstreamCounters.put(series, d);
        }
      }
    });

    // The upstream's view, over the run only.
    SoakReport.UpstreamView upstream = upstreamAfter == null
        ? new SoakReport.UpstreamView(null, null, null, null, null, Map.of())
        : new SoakReport.UpstreamView(
            upstreamAfter.requests() - (upstreamBefore == null ? 0 : upstreamBefore.requests()),
            upstreamAfter.callsRetried() - (upstreamBefore == null ? 0 : upstreamBefore.callsRetried()),
            upstreamAfter.callsFailedOver() - (upstreamBefore == null ? 0 : upstreamBefore.callsFailedOver()),
            upstreamAfter.duplicatesAfterFirstByte(), upstreamAfter.callsWithDuplicates(),
            deltas(upstreamBefore == null ? Map.of() : upstreamBefore.byKey(), upstreamAfter.byKey()));

    // Outcomes by the fault of each call's first upstream request.
    Map<String, long[]> rows = new TreeMap<>();
    long[] faultedPerMode = new long[2];
    for (int seq = 0; seq < total; seq++) {
      CallStats call = faulted.get(callId(seq));
      String fault = call == null || call.attempts().isEmpty() ? "none" : call.attempts().get(0).fault().wireName();
      String key = (fault.equals("none") ? "~" : "") + fault + "|" + (streamed[seq] ? "stream" : "json");
      long[] row = rows.computeIfAbsent(key, k -> new long[6]);
      row[0]++;
      // outcomes: 0 never ended, else the outcome's ordinal + 1; lost and unended count as malformed or lost.
      row[outcomes[seq] == 1 ? 1 : outcomes[seq] == 2 ? 2 : 3]++;
      if (call != null && call.requests() > 1) {
        row[4]++;
      }
    }
    List<SoakReport.FaultRow> byFault = new ArrayList<>();
    rows.forEach((key, row) -> {
      String[] parts = key.replace("~", "").split("\\|");
      byFault.add(new SoakReport.FaultRow(parts[0].equals("none") ? "none (or never reached the upstream)" : parts[0],
          parts[1], row[0], row[1], row[2], row[3], row[4]));
    });

    // Malformed and lost calls by what the client saw and the fault of the upstream's last answer,
    // some in full, and how to make one again.
    Map<String, Long> malformedKinds = new TreeMap<>();
    List<String> examples = new ArrayList<>();
    Map<String, String> reproductions = new LinkedHashMap<>();
    Map<String, Integer> perKind = new TreeMap<>();
    for (Failed f : failed) {
      if (f.outcome() == Outcome.CORRECT || f.outcome() == Outcome.WELL_FORMED_ERROR) {
        continue;
      }
      CallStats call = faulted.get(f.callId());
      String lastFault = call == null || call.attempts().isEmpty() ? "none"
          : call.attempts().get(call.attempts().size() - 1).fault().wireName();
      String faults = call == null ? "none" : String.join(", ", call.attempts().stream()
          .map(FaultyUpstream.Attempt::toString).toList());
      String kind = (f.outcome() == Outcome.LOST ? "lost: " : "malformed: ") + f.kind() + " (" + (f.stream() ? "stream" : "json")
          + "; the upstream's last answer: " + lastFault + ")";
      malformedKinds.merge(kind, 1L, Long::sum);
      if (perKind.merge(kind, 1, Integer::sum) <= 3 && examples.size() < 30) {
        examples.add("`" + f.callId() + "` (" + (f.stream() ? "stream" : "json") + "; upstream: " + faults + "): "
            + f.outcome().name().toLowerCase(Locale.ROOT) + ", " + f.kind() + (f.detail() == null ? "" : " — " + f.detail()));
      }
      if (!lastFault.equals("none")) {
        reproductions.putIfAbsent(lastFault + (f.stream() ? " stream" : " json"),
            "bench/soak.sh repro " + lastFault + (f.stream() ? " stream" : " json"));
      }
    }

    // Requests the upstream got after it had begun an answer for their call: which answer had begun
    // (its fault), what the client finally saw.
    Map<String, Long> duplicateKinds = new TreeMap<>();
    List<String> duplicateExamples = new ArrayList<>();
    faulted.forEach((id, call) -> {
      if (call.requestsAfterFirstByte() == 0) {
        return;
      }
      String begun = call.attempts().stream().filter(FaultyUpstream.Attempt::answerBegun).findFirst()
          .map(a -> a.fault().wireName()).orElse("?");
      long seq = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
      String outcome = seq < total && outcomes[(int) seq] > 0
          ? Outcome.values()[outcomes[(int) seq] - 1].name().toLowerCase(Locale.ROOT) : "never ended";
      duplicateKinds.merge("an answer begun (" + begun + "), then " + call.requestsAfterFirstByte()
          + " more request(s) (" + (call.attempts().get(0).stream() ? "stream" : "json") + "; the client: " + outcome + ")",
          (long) call.requestsAfterFirstByte(), Long::sum);
      if (duplicateExamples.size() < 10) {
        duplicateExamples.add("`" + id + "` (" + (call.attempts().get(0).stream() ? "stream" : "json") + ", the client: "
            + outcome + "): " + call.attempts().stream().map(FaultyUpstream.Attempt::toString).toList());
      }
    });

    List<String> latency = new ArrayList<>();
    synchronized (counts) {
      if (jsonLatency.getTotalCount() > 0) {
        latency.add(String.format(Locale.ROOT, "JSON p50 %.1f ms, p99 %.1f ms", jsonLatency.getValueAtPercentile(50) / 1e6,
            jsonLatency.getValueAtPercentile(99) / 1e6));
      }
      if (streamLatency.getTotalCount() > 0) {
        latency.add(String.format(Locale.ROOT, "stream to [DONE] p50 %.1f ms, p99 %.1f ms; to its first byte p50 %.1f ms,"
            + " p99 %.1f ms", streamLatency.getValueAtPercentile(50) / 1e6, streamLatency.getValueAtPercentile(99) / 1e6,
            streamTtfb.getValueAtPercentile(50) / 1e6, streamTtfb.getValueAtPercentile(99) / 1e6));
      }
    }

    // Pass criteria.
    List<SoakReport.Criterion> criteria = new ArrayList<>();
    criteria.add(new SoakReport.Criterion("every call classified", classified + " of " + total, classified == total));
    criteria.add(new SoakReport.Criterion("malformed or lost = 0", String.valueOf(malformed + lost), malformed + lost == 0));
    if (upstreamAfter != null) {
      criteria.add(new SoakReport.Criterion("duplicate upstream side effects after a first byte = 0",
          upstreamAfter.duplicatesAfterFirstByte() + " (in " + upstreamAfter.callsWithDuplicates() + " calls)",
          upstreamAfter.duplicatesAfterFirstByte() == 0));
    } else {
      criteria.add(new SoakReport.Criterion("duplicate upstream side effects after a first byte = 0",
          "not measured (no upstream stats)", false));
    }
    criteria.add(rssCriterion(samples));
    if (fdsBefore >= 0 && fdsAfter >= 0) {
      criteria.add(new SoakReport.Criterion("open fds after ≤ before + " + config.fdSlack(),
          fdsBefore + " → " + fdsAfter, fdsAfter <= fdsBefore + config.fdSlack()));
    } else {
      criteria.add(new SoakReport.Criterion("open fds after ≤ before + " + config.fdSlack(),
          "not measured (no gateway pid)", config.gatewayPid() <= 0));
    }

    List<String> setup = new ArrayList<>();
    setup.add(Instant.now().toString().substring(0, 19) + "Z, run `" + runId + "`: " + config.rate() + " calls/s for "
        + config.seconds() + " s, open loop, " + Math.round(config.streamShare() * 100) + "% streamed, through "
        + config.gatewayUrl() + config.route() + " with a virtual key; client timeout " + config.clientTimeoutMs() / 1000
        + " s, at most " + config.connections() + " connections; calls started at most "
        + String.format(Locale.ROOT, "%.1f", maxStartLagNanos / 1e6)
        + " ms after they were due. Machine: " + Runtime.getRuntime().availableProcessors() + " cores.");
    if (upstreamAfter != null) {
      setup.add("Fault upstream: " + upstreamAfter.options().encode());
    }
    setup.addAll(config.setup());
    List<SoakReport.FaultRow> sortedRows = new ArrayList<>(byFault);
    return new SoakReport("Portcullis fault soak", setup, total, config.warmupCalls(), correct, errors, malformed, lost,
        errorKinds, malformedKinds, examples, new ArrayList<>(reproductions.values()), sortedRows, retries, retriesName,
        failovers, failoversName, retriedCalls, extraAttempts, duplicateKinds, duplicateExamples, upstreamCounters, upstream, latency, samples, fdsBefore, fdsAfter, criteria);
  }

  private SoakReport.Criterion rssCriterion(List<SoakReport.Sample> samples) {
    String name = "RSS growth ≤ " + Math.round(config.rssTolerance() * 100) + "% (or " + config.rssSlackKb() / 1024
        + " MB) from the baseline";
    List<SoakReport.Sample> measured = samples.stream().filter(s -> s.rssKb() > 0).toList();
    if (measured.size() < 2) {
      return new SoakReport.Criterion(name, "not measured (no gateway pid)", config.gatewayPid() <= 0);
    }
    long baselineAt = Math.min(60, Math.max(10, config.seconds() / 4));
    SoakReport.Sample baseline = measured.stream().filter(s -> s.seconds() >= baselineAt).findFirst()
        .orElse(measured.get(0));
    SoakReport.Sample last = measured.get(measured.size() - 1);
    long allowed = Math.max(Math.round(baseline.rssKb() * config.rssTolerance()), config.rssSlackKb());
    long growth = last.rssKb() - baseline.rssKb();
    return new SoakReport.Criterion(name, String.format(Locale.ROOT, "%.1f MB at %d s → %.1f MB at %d s (%+.1f MB, %+.1f%%)",
        baseline.rssKb() / 1024.0, baseline.seconds(), last.rssKb() / 1024.0, last.seconds(), growth / 1024.0,
        100.0 * growth / baseline.rssKb()), growth <= allowed);
  }

  private static Double delta(Map<String, Double> before, Map<String, Double> after, String name) {
    Double a = SoakGateway.sum(after, name, null);
    if (a == null) {
      return null;
    }
    Double b = SoakGateway.sum(before, name, null);
    return a - (b == null ? 0 : b);
  }

  private static Map<String, Long> deltas(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> result = new TreeMap<>();
    after.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d != 0) {
        result.put(k, d);
      }
    });
    return result;
  }

  // ---- standalone ----

  /**
   * {@code Soak --gateway URL [--route /v1/openai/chat/completions] (--key VK | --admin URL --admin-token T --provider-base-url URL...)
   * [--rate 1000] [--seconds 600] [--stream-share 0.5] [--metrics URL] [--upstream URL] [--pid N]
   * [--client-timeout-ms 60000] [--rss-tolerance 0.25] [--fd-slack 16] [--seed 1] [--connections 512]
   * [--run-id ID] [--note TEXT]...
   * [--out FILE]}: prints the report, writes it to {@code --out}, exits 1 when a criterion failed.
   */
  public static void main(String[] args) throws Exception {
    String gateway = null;
    String route = null;
    String key = null;
    String admin = null;
    String adminToken = System.getenv("PORTCULLIS_ADMIN_TOKEN");
    List<String> baseUrls = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    int rate = 1000;
    int seconds = 600;
    double streamShare = 0.5;
    String metrics = null;
    String upstream = null;
    long pid = 0;
    long clientTimeout = 60_000;
    double rssTolerance = 0.25;
    int fdSlack = 16;
    long seed = 1;
    int connections = 512;
    String runId = null;
    Path out = null;
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--gateway" -> gateway = value;
        case "--route" -> route = value;
        case "--key" -> key = value;
        case "--admin" -> admin = value;
        case "--admin-token" -> adminToken = value;
        case "--provider-base-url" -> baseUrls.add(value);
        case "--rate" -> rate = Integer.parseInt(value);
        case "--seconds" -> seconds = Integer.parseInt(value);
        case "--stream-share" -> streamShare = Double.parseDouble(value);
        case "--metrics" -> metrics = value;
        case "--upstream" -> upstream = value;
        case "--pid" -> pid = Long.parseLong(value);
        case "--client-timeout-ms" -> clientTimeout = Long.parseLong(value);
        case "--rss-tolerance" -> rssTolerance = Double.parseDouble(value);
        case "--fd-slack" -> fdSlack = Integer.parseInt(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--connections" -> connections = Integer.parseInt(value);
        case "--run-id" -> runId = value;
        case "--note" -> notes.add(value);
        case "--out" -> out = Path.of(value);
        default -> {
          System.err.println("unknown argument " + args[i] + "; see the class comment of dev.portcullis.bench.Soak");
          System.exit(2);
        }
      }
    }
    if (gateway == null || (key == null && (admin == null || adminToken == null || baseUrls.isEmpty()))) {
      System.err.println("Soak --gateway URL (--key VK | --admin URL --admin-token T --provider-base-url URL...) ...");
      System.exit(2);
    }
    if (key == null) {
      SoakGateway.Provisioned provisioned = SoakGateway.provision(admin, adminToken, baseUrls);
      key = provisioned.virtualKey();
      notes.add("Key mapping: " + provisioned.note() + ".");
      System.err.println("soak: " + provisioned.note());
    }
    Config config = Config.of(gateway, key, rate, seconds).withStreamShare(streamShare)
        .withObservation(metrics, upstream, pid).withClientTimeoutMs(clientTimeout)
        .withLimits(rssTolerance, 24 * 1024, fdSlack).withSeed(seed).withConnections(connections).withRunId(runId).withSetup(notes);
    if (route != null) {
      config = config.withRoute(route);
    }
    SoakReport report = run(config);
    String markdown = report.toMarkdown();
    System.out.println(markdown);
    if (out != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, markdown);
    }
    if (!report.passed()) {
      System.err.println("soak FAILED: " + String.join("; ", report.failures()));
      System.exit(1);
    }
  }
}
