package dev.portcullis.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Load against one URL, in three modes, printing one line of JSON per run:
 *
 * <ul>
 *   <li>{@code rate URL RPS SECONDS}: open loop at a fixed rate; latency is measured from the time
 *       each request was due, not when it went out, so a stall is counted in full (no coordinated
 *       omission). The same rate runs unmeasured first for {@code WARMUP} seconds (an optional
 *       fifth argument, default 10), so that this JVM's own JIT work is not counted.
 *   <li>{@code max URL CONCURRENCY SECONDS}: closed loop, as fast as the target answers.
 *   <li>{@code ttfb URL RPS SECONDS}: streamed calls at a fixed rate; time to the first body byte.
 *   <li>{@code maxstream URL CONCURRENCY SECONDS}: closed loop of streamed calls, each read to its
 *       end; a stream counts as completed only when it ends with {@code data: [DONE]}.
 * </ul>
 *
 * <p>Every call is a chat completion for the model in the system property {@code bench.model}
 * (default {@code gpt-4o-mini}) with {@code Authorization: Bearer} the property {@code bench.key}
 * (default {@code sk-bench}), so the same generator drives passthrough and the model router. In the
 * closed-loop modes an answer other than 200 counts as an error, not as a completed call.
 */
public final class LoadGenerator {

  private static final String MODEL = System.getProperty("bench.model", "gpt-4o-mini");
  private static final String AUTHORIZATION = "Bearer " + System.getProperty("bench.key", "sk-bench");
  private static final Buffer CHAT = Buffer.buffer("{\"model\":\"" + MODEL
      + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}]}");
  private static final Buffer CHAT_STREAM = Buffer.buffer("{\"model\":\"" + MODEL
      + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}");
  private static final String DONE = "data: [DONE]";

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final HttpClientAgent client = vertx.createHttpClient(
      new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(512));
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();

  public static void main(String[] args) throws Exception {
    LoadGenerator generator = new LoadGenerator();
    String mode = args[0];
    String url = args[1];
    int amount = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    if (!mode.startsWith("max") && warmup > 0) {
      generator.rate(url, amount, warmup, mode.equals("ttfb"));
      generator.reset();
    }
    String result = switch (mode) {
      case "rate" -> generator.rate(url, amount, seconds, false);
      case "ttfb" -> generator.rate(url, amount, seconds, true);
      case "max" -> generator.max(url, amount, seconds, false);
      case "maxstream" -> generator.max(url, amount, seconds, true);
      default -> throw new IllegalArgumentException("mode must be rate, ttfb, max or maxstream");
    };
    System.out.println(result);
    generator.vertx.close().await();
  }

  private String rate(String url, int rps, int seconds, boolean stream) throws InterruptedException {
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rps;
    long total = (long) rps * seconds;
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong sent = new AtomicLong();
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (sent.get() < total) {
        long due = start + sent.get() * intervalNanos;
        if (due > now) {
          break;
        }
        sent.incrementAndGet();
        call(url, stream, due, total, done);
      }
      if (sent.get() >= total) {
        vertx.cancelTimer(id);
      }
    });
    done.await(seconds + 60L, TimeUnit.SECONDS);
    return report(stream ? "ttfb" : "rate", url, rps, seconds);
  }

  private void call(String url, boolean stream, long due, long total, CountDownLatch done) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("content-type", "application/json").putHeader("authorization", AUTHORIZATION);
    client.request(options)
        .compose(request -> request.send(stream ? CHAT_STREAM : CHAT))
        .compose(response -> {
          if (response.statusCode() != 200) {
            return response.body().map(b -> Boolean.FALSE);
          }
          if (!stream) {
            return response.body().map(b -> Boolean.TRUE);
          }
          long[] first = {0};
          response.handler(chunk -> {
            if (first[0] == 0) {
              first[0] = System.nanoTime();
              record(first[0] - due);
            }
          });
          return response.end().map(v -> Boolean.TRUE);
        })
        .onComplete(ar -> {
          if (ar.failed() || !ar.result()) {
            errors.incrementAndGet();
          } else if (!stream) {
            record(System.nanoTime() - due);
          }
          if (completed.incrementAndGet() == total) {
            done.countDown();
          }
        });
  }

  private String max(String url, int concurrency, int seconds, boolean stream) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(concurrency);
    long started = System.nanoTime();
    for (int i = 0; i < concurrency; i++) {
      vertx.runOnContext(v -> loop(url, stream, end, done));
    }
    done.await(seconds + 60L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - started) / 1e9;
    return "{\"mode\":\"" + (stream ? "maxstream" : "max") + "\",\"url\":\"" + url + "\",\"concurrency\":" + concurrency + ",\"seconds\":" + seconds
        + ",\"completed\":" + completed.get() + ",\"errors\":" + errors.get()
        + ",\"throughput_rps\":" + Math.round(completed.get() / elapsed)
        + ",\"p50_ms\":" + ms(histogram.getValueAtPercentile(50)) + ",\"p99_ms\":" + ms(histogram.getValueAtPercentile(99)) + "}";
  }

  private void loop(String url, boolean stream, long end, CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    long start = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("content-type", "application/json").putHeader("authorization", AUTHORIZATION);
    client.request(options).compose(request -> request.send(stream ? CHAT_STREAM : CHAT))
        .compose(response -> response.body().map(body -> response.statusCode() == 200
            && (!stream || body.toString().stripTrailing().endsWith(DONE))))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result()) {
            record(System.nanoTime() - start);
            completed.incrementAndGet();
          } else {
            errors.incrementAndGet();
          }
          loop(url, stream, end, done);
        });
  }

  private synchronized void reset() {
    histogram.reset();
    errors.set(0);
    completed.set(0);
  }

  private synchronized void record(long nanos) {
    histogram.recordValue(Math.min(nanos, histogram.getHighestTrackableValue()));
  }

  private synchronized String report(String mode, String url, int rps, int seconds) {
    return "{\"mode\":\"" + mode + "\",\"url\":\"" + url + "\",\"rps\":" + rps + ",\"seconds\":" + seconds
        + ",\"completed\":" + completed.get() + ",\"errors\":" + errors.get()
        + ",\"p50_ms\":" + ms(histogram.getValueAtPercentile(50))
        + ",\"p90_ms\":" + ms(histogram.getValueAtPercentile(90))
        + ",\"p99_ms\":" + ms(histogram.getValueAtPercentile(99))
        + ",\"p999_ms\":" + ms(histogram.getValueAtPercentile(99.9))
        + ",\"max_ms\":" + ms(histogram.getMaxValue()) + "}";
  }

  private static String ms(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
