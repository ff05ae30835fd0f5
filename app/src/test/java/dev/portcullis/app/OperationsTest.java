package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Health, readiness, Prometheus metrics behind their secret, the access log, and no secret anywhere. */
class OperationsTest {

  private static final String CLIENT_KEY = "sk-live-SECRET-abcdefghijklmnop";
  private static final String METRICS_SECRET = "metrics-s3cret";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static ListAppender<ILoggingEvent> logs;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    logs = new ListAppender<>();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs.setContext(context);
    logs.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);

    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("POST", "/v1/chat/completions", (request, body) -> {
      if (body.toJsonObject().getBoolean("stream", false)) {
        OpenAiWire.chatStream(OpenAiWire.chatTextStream("gpt-4o-2024-08-06", List.of("a", "b"), 11, 2)).respond(request, body);
      } else {
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o-2024-08-06", "ok", 21, 4)).respond(request, body);
      }
    });
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "ARCHESTRA_METRICS_SECRET", METRICS_SECRET));

    call("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    call("{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");
    call("{\"model\":\"gpt-4o\",");
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
  }

  private static HttpResponse<String> call(String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder().uri(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer " + CLIENT_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url, String bearer) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder().uri(URI.create(url)).GET();
    if (bearer != null) {
      builder.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertThat(get(portcullis.url("/health"), null).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get(portcullis.url("/ready"), null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("READY");
  }

  @Test
  void metricsNeedTheSecretAndCountRequestsLatencyTtfbAndTokens() throws Exception {
    String metricsUrl = "http://127.0.0.1:" + portcullis.metricsPort() + "/metrics";
    assertThat(get(metricsUrl, null).statusCode()).isEqualTo(401);
    assertThat(get(metricsUrl, "wrong").statusCode()).isEqualTo(401);
    HttpResponse<String> metrics = get(metricsUrl, METRICS_SECRET);
    assertThat(metrics.statusCode()).isEqualTo(200);
    String text = metrics.body();
    assertThat(text).contains("portcullis_requests_total{provider=\"openai\",route=\"chat.completions\",status=\"200\"} 2.0");
    assertThat(text).contains("portcullis_requests_total{provider=\"openai\",route=\"chat.completions\",status=\"400\"} 1.0");
    assertThat(text).contains("portcullis_tokens_total{direction=\"input\",model=\"gpt-4o-2024-08-06\",provider=\"openai\"} 32.0");
    assertThat(text).contains("portcullis_tokens_total{direction=\"output\",model=\"gpt-4o-2024-08-06\",provider=\"openai\"} 6.0");
    assertThat(text).contains("portcullis_request_duration_seconds_count{provider=\"openai\",route=\"chat.completions\",stream=\"true\"} 1");
    assertThat(text).contains("portcullis_stream_ttfb_seconds_count{provider=\"openai\",route=\"chat.completions\"} 1");
    assertThat(text).contains("portcullis_upstream_duration_seconds_count{operation=\"chat.completions\",provider=\"openai\",status=\"200\"} 2");
    assertThat(text).doesNotContain(CLIENT_KEY).doesNotContain(METRICS_SECRET);
    // Latency buckets from 1 ms to 5 minutes, 18 per series with +Inf: a long stream is not only +Inf.
    for (String series : List.of("portcullis_request_duration_seconds_bucket{provider=\"openai\",route=\"chat.completions\",stream=\"true\"",
        "portcullis_stream_ttfb_seconds_bucket{provider=\"openai\",route=\"chat.completions\"",
        "portcullis_upstream_duration_seconds_bucket{operation=\"chat.completions\",provider=\"openai\",status=\"200\"")) {
      List<String> buckets = text.lines().filter(line -> line.startsWith(series + ",le=")).toList();
      assertThat(buckets).as(series).hasSize(18);
      assertThat(buckets.get(0)).as(series).contains("le=\"0.001\"");
      assertThat(buckets.get(16)).as(series).contains("le=\"300.0\"");
      assertThat(buckets.get(17)).as(series).contains("le=\"+Inf\"");
    }
  }

  @Test
  void oneJsonAccessLineLogsEachCallWithItsTokensAndNoSecretIsLoggedAnywhere() {
    List<ILoggingEvent> access = logs.list.stream().filter(e -> e.getLoggerName().equals("portcullis.access")).toList();
    assertThat(access).hasSize(3);
    Map<String, Object> streamed = fields(access.get(1));
    assertThat(streamed).containsEntry("provider", "openai").containsEntry("route", "chat.completions")
        .containsEntry("status", 200).containsEntry("stream", true).containsEntry("inputTokens", 11L)
        .containsEntry("outputTokens", 2L).containsEntry("model", "gpt-4o-2024-08-06");
    assertThat(streamed.get("requestId")).asString().startsWith("req_");
    assertThat(streamed).containsKeys("durationMs", "ttfbMs");
    assertThat(fields(access.get(2))).containsEntry("status", 400);
    String everything = logs.list.stream().map(e -> e.getFormattedMessage() + " " + e.getKeyValuePairs())
        .collect(Collectors.joining("\n"));
    assertThat(everything).doesNotContain(CLIENT_KEY).doesNotContain(METRICS_SECRET);
  }

  private static Map<String, Object> fields(ILoggingEvent event) {
    Map<String, Object> map = new java.util.HashMap<>();
    event.getKeyValuePairs().forEach(kv -> {
      if (kv.value != null) {
        map.put(kv.key, kv.value);
      }
    });
    return map;
  }
}
