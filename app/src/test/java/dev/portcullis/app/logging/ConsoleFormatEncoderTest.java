package dev.portcullis.app.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;
import org.slf4j.event.KeyValuePair;

class ConsoleFormatEncoderTest {

  /** 2026-12-03 04:05:06.789 UTC. */
  private static final long TIME = Instant.parse("2026-12-03T04:05:06.789Z").toEpochMilli();

  private final LoggerContext context = new LoggerContext();

  {
    context.setMDCAdapter(new LogbackMDCAdapter());
  }

  @AfterEach
  void stop() {
    context.stop();
  }

  private ConsoleFormatEncoder started(String format) {
    ConsoleFormatEncoder encoder = new ConsoleFormatEncoder();
    encoder.setContext(context);
    encoder.setText(new TextLineEncoder(ZoneOffset.UTC));
    encoder.setFormat(format);
    encoder.start();
    return encoder;
  }

  private LoggingEvent event(String logger, Level level, String message, Throwable thrown, Object... args) {
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger(logger), level, message, thrown,
        args);
    event.setTimeStamp(TIME);
    return event;
  }

  private LoggingEvent accessLine() {
    LoggingEvent event = event("portcullis.access", Level.INFO, "access", null);
    Object[][] pairs = {{"requestId", "req-1"}, {"method", "POST"}, {"path", "/v1/openai/chat/completions"},
        {"provider", "openai"}, {"route", "chat"}, {"proxyId", "p-1"}, {"stream", true}, {"status", 200},
        {"outcome", "completed"}, {"durationMs", 12.345678}, {"ttfbMs", null}, {"model", "gpt-4o"},
        {"inputTokens", 3L}, {"outputTokens", 5L}};
    for (Object[] pair : pairs) {
      event.addKeyValuePair(new KeyValuePair((String) pair[0], pair[1]));
    }
    return event;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void aTextLineHasTimeLevelLoggerAndMessage() {
    ConsoleFormatEncoder encoder = started("text");
    assertThat(encoder.chosenFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(text(encoder.encode(event("dev.portcullis.app.Portcullis", Level.INFO, "started on {}", null, 9000))))
        .isEqualTo("2026-12-03 04:05:06.789 INFO  Portcullis  started on 9000\n");
    assertThat(text(encoder.encode(event("x.Y", Level.ERROR, "boom", null))))
        .isEqualTo("2026-12-03 04:05:06.789 ERROR Y  boom\n");
  }

  @Test
  void aTextAccessLineShowsTheFieldsThatMatterAsKeyValue() {
    String line = text(started("text").encode(accessLine()));
    assertThat(line).isEqualTo("2026-12-03 04:05:06.789 INFO  access  method=POST path=/v1/openai/chat/completions"
        + " status=200 durationMs=12.3 provider=openai model=gpt-4o inputTokens=3 outputTokens=5 requestId=req-1\n");
    LoggingEvent cut = event("portcullis.access", Level.INFO, "access", null);
    cut.addKeyValuePair(new KeyValuePair("status", 502));
    cut.addKeyValuePair(new KeyValuePair("outcome", "upstream_failed"));
    cut.addKeyValuePair(new KeyValuePair("path", "/a b"));
    assertThat(text(started("text").encode(cut)))
        .as("an unusual outcome is shown; a value with a space is quoted")
        .endsWith("access  path=\"/a b\" status=502 outcome=upstream_failed\n");
  }

  @Test
  void aJsonAccessLineKeepsEveryField() {
    ConsoleFormatEncoder encoder = started("json");
    assertThat(encoder.chosenFormat()).isEqualTo(LogFormat.JSON);
    String line = text(encoder.encode(accessLine()));
    assertThat(line).endsWith("}\n").doesNotContain("\n{");
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("logger_name")).isEqualTo("portcullis.access");
    assertThat(json.getString("message")).isEqualTo("access");
    assertThat(json.getString("proxyId")).isEqualTo("p-1");
    assertThat(json.getString("route")).isEqualTo("chat");
    assertThat(json.getInteger("status")).isEqualTo(200);
    assertThat(json.getDouble("durationMs")).isEqualTo(12.345678);
    assertThat(json.getString("requestId")).isEqualTo("req-1");
  }

  @Test
  void aTextLineCarriesTheStackTrace() {
    IllegalStateException thrown = new IllegalStateException("outer", new IOException("inner\nline"));
    String out = text(started("text").encode(event("a.B", Level.ERROR, "request failed", thrown)));
    List<String> lines = out.lines().toList();
    assertThat(lines.get(0)).isEqualTo("2026-12-03 04:05:06.789 ERROR B  request failed");
    assertThat(lines.get(1)).isEqualTo("java.lang.IllegalStateException: outer");
    assertThat(lines.get(2)).startsWith("\tat dev.portcullis.app.logging.ConsoleFormatEncoderTest.aTextLineCarries");
    assertThat(out).contains("\nCaused by: java.io.IOException: inner\\nline\n").containsPattern("\t\\.\\.\\. \\d+ more\n")
        .endsWith("\n");
  }

  @Test
  void aJsonLineCarriesTheStackTraceInOneLine() {
    String out = text(started("json").encode(event("a.B", Level.ERROR, "request failed", new IllegalStateException("x"))));
    assertThat(out.strip()).doesNotContain("\n");
    assertThat(new JsonObject(out).getString("stack_trace")).startsWith("java.lang.IllegalStateException: x");
  }

  @Test
  void controlCharactersCannotSplitALineOrDriveTheTerminal() {
    String out = text(started("text").encode(event("a.B", Level.WARN, "bad path {}", null,
        "/x\r\n2026-01-01 00:00:00.000 INFO  fake\u001b[31m\u202e")));
    assertThat(out).isEqualTo("2026-12-03 04:05:06.789 WARN  B  bad path /x\\r\\n2026-01-01 00:00:00.000 INFO  fake"
        + "\\u001b[31m\\u202e\n");
    LoggingEvent pair = event("a.B", Level.INFO, "m", null);
    pair.addKeyValuePair(new KeyValuePair("k", "a\"b\nc"));
    assertThat(text(started("text").encode(pair))).endsWith("  m  k=\"a\\\"b\\nc\"\n");
  }

  @Test
  void aBannerIsABlockInTextAndFieldsInJson() {
    LoggingEvent banner = event("dev.portcullis.app.Portcullis", Level.INFO, "Portcullis started", null);
    banner.addMarker(MarkerFactory.getMarker(TextLineEncoder.BANNER));
    banner.addKeyValuePair(new KeyValuePair("gatewayUrl", "https://0.0.0.0:9000"));
    banner.addKeyValuePair(new KeyValuePair("adminUrl", "http://127.0.0.1:9001/"));
    banner.addKeyValuePair(new KeyValuePair("adminTokenFile", "/data/admin-token"));
    banner.addKeyValuePair(new KeyValuePair("metricsUrl", "http://127.0.0.1:9050/metrics"));
    assertThat(text(started("text").encode(banner))).isEqualTo("""
        2026-12-03 04:05:06.789 INFO  Portcullis  Portcullis started
            gateway           https://0.0.0.0:9000
            admin             http://127.0.0.1:9001/
            admin token file  /data/admin-token
            metrics           http://127.0.0.1:9050/metrics
        """);
    JsonObject json = new JsonObject(text(started("json").encode(banner)));
    assertThat(json.getString("gatewayUrl")).isEqualTo("https://0.0.0.0:9000");
    assertThat(json.getString("adminUrl")).isEqualTo("http://127.0.0.1:9001/");
    assertThat(json.getString("adminTokenFile")).isEqualTo("/data/admin-token");
    assertThat(json.getString("metricsUrl")).isEqualTo("http://127.0.0.1:9050/metrics");
  }

  @Test
  void otherPairsFollowTheMessage() {
    LoggingEvent event = event("a.B", Level.INFO, "drained", null);
    event.addKeyValuePair(new KeyValuePair("calls", 3));
    event.addKeyValuePair(new KeyValuePair("skipped", null));
    event.addKeyValuePair(new KeyValuePair("empty", ""));
    assertThat(text(started("text").encode(event))).endsWith("B  drained  calls=3 empty=\"\"\n");
  }

  @Test
  void aBadFormatFallsBackToJsonAndSaysSo() {
    ConsoleFormatEncoder encoder = started("pretty");
    assertThat(encoder.chosenFormat()).isEqualTo(LogFormat.JSON);
    assertThat(context.getStatusManager().getCopyOfStatusList()).anySatisfy(status -> {
      assertThat(status.getLevel()).isEqualTo(Status.ERROR);
      assertThat(status.getMessage()).contains("PORTCULLIS_LOG_FORMAT: must be text or json");
    });
  }

  @Test
  void theShippedConfigurationWritesJsonLinesThroughTheBatchingAppenderWhenNotATerminal() throws Exception {
    // This test's output is captured (no terminal).
    assumeTrue(System.getenv(LogFormat.SETTING) == null && System.getProperty(LogFormat.SETTING) == null);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(ConsoleFormatEncoderTest.class.getClassLoader().getResource("logback.xml"));
    assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() >= Status.WARN);
    BatchingConsoleAppender appender = (BatchingConsoleAppender) context.getLogger(Logger.ROOT_LOGGER_NAME)
        .getAppender("CONSOLE");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    appender.setOutput(() -> out);
    context.getLogger("portcullis.access").atInfo().addKeyValue("status", 200).log("access");
    context.getLogger("a.B").warn("done");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (out.toString(StandardCharsets.UTF_8).lines().count() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    JsonObject access = new JsonObject(lines.get(0));
    assertThat(access.getInteger("status")).isEqualTo(200);
    assertThat(access.containsKey("level_value")).as("as configured: no level_value").isFalse();
    assertThat(access.containsKey("@version")).isFalse();
    assertThat(new JsonObject(lines.get(1)).getString("level")).isEqualTo("WARN");
  }
}
