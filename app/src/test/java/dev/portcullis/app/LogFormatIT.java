package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jar's log lines as a person and a machine see them: with {@code PORTCULLIS_LOG_FORMAT=text},
 * plain lines and a start-up banner naming the admin URL and the admin token's file, never the
 * token; by default with its output piped (as in a container), one JSON object per line, the
 * banner among them; and a bad value stops the start with one line naming the setting.
 */
class LogFormatIT {

  private static Map<String, String> ports(int gateway, int admin, int metrics, String dataDir) {
    return Map.of(
        "PORTCULLIS_PORT", String.valueOf(gateway),
        "PORTCULLIS_ADMIN_PORT", String.valueOf(admin),
        "ARCHESTRA_METRICS_PORT", String.valueOf(metrics),
        "PORTCULLIS_DATA_DIR", new File(dataDir).getAbsolutePath());
  }

  private static void call(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/openai/models")).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  @Test
  void textShowsABannerWithTheAdminUrlAndTheTokensFileButNotTheToken() throws Exception {
    int gateway = PortcullisUnderTest.freePort();
    int admin = PortcullisUnderTest.freePort();
    int metrics = PortcullisUnderTest.freePort();
    Path dataDir = Path.of("target/log-format-it-text").toAbsolutePath();
    Map<String, String> env = new java.util.HashMap<>(ports(gateway, admin, metrics, dataDir.toString()));
    env.put("PORTCULLIS_LOG_FORMAT", "text");
    String log;
    try (PortcullisProcess process = PortcullisProcess.start("text", List.of(), env)) {
      process.awaitStarted(90);
      call(gateway);
      Thread.sleep(300);
      process.close();
      log = process.logText();
    }
    String token = Files.readString(dataDir.resolve("admin-token")).strip();
    assertThat(token).isNotEmpty();
    assertThat(log).doesNotContain(token).doesNotContain("\n{\"");
    assertThat(log.lines().toList()).noneMatch(line -> line.startsWith("{"));
    assertThat(log).containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Portcullis  Portcullis started: ")
        .contains("\n    gateway           http://0.0.0.0:" + gateway + "\n")
        .contains("\n    admin             http://127.0.0.1:" + admin + "/\n")
        .contains("\n    admin token file  " + dataDir.resolve("admin-token") + "\n")
        .contains("\n    metrics           http://127.0.0.1:" + metrics + "/metrics\n")
        .containsPattern("INFO  access  method=GET path=/v1/openai/models status=\\d{3} durationMs=");
  }

  @Test
  void pipedOutputIsOneJsonObjectPerLineBannerIncluded() throws Exception {
    int gateway = PortcullisUnderTest.freePort();
    int admin = PortcullisUnderTest.freePort();
    int metrics = PortcullisUnderTest.freePort();
    String token = "pc-admin-log-format-it-0123456789";
    Map<String, String> env = new java.util.HashMap<>(ports(gateway, admin, metrics, "target/log-format-it-json"));
    env.put("PORTCULLIS_ADMIN_TOKEN", token);
    String log;
    try (PortcullisProcess process = PortcullisProcess.start("json", List.of(), env)) {
      process.awaitStarted(90);
      call(gateway);
      Thread.sleep(300);
      process.close();
      log = process.logText();
    }
    assertThat(log).doesNotContain(token);
    List<JsonObject> lines = log.lines().filter(line -> !line.isBlank()).map(JsonObject::new).toList();
    JsonObject banner = lines.stream().filter(line -> line.getString("message").startsWith("Portcullis started"))
        .findFirst().orElseThrow();
    assertThat(banner.getString("gatewayUrl")).isEqualTo("http://0.0.0.0:" + gateway);
    assertThat(banner.getString("adminUrl")).isEqualTo("http://127.0.0.1:" + admin + "/");
    assertThat(banner.getString("adminTokenFrom")).isEqualTo("PORTCULLIS_ADMIN_TOKEN");
    assertThat(banner.containsKey("adminTokenFile")).isFalse();
    assertThat(banner.getString("metricsUrl")).isEqualTo("http://127.0.0.1:" + metrics + "/metrics");
    assertThat(lines).anySatisfy(line -> {
      assertThat(line.getString("logger_name")).isEqualTo("portcullis.access");
      assertThat(line.getString("path")).isEqualTo("/v1/openai/models");
    });
  }

  @Test
  void aBadFormatStopsStartWithOneLineNamingIt() throws Exception {
    Map<String, String> env = Map.of("PORTCULLIS_LOG_FORMAT", "pretty",
        "PORTCULLIS_PORT", String.valueOf(PortcullisUnderTest.freePort()));
    try (PortcullisProcess process = PortcullisProcess.start("bad-format", List.of(), env)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(process.isAlive()).isFalse();
      assertThat(process.exitValue()).isEqualTo(2);
      assertThat(process.logText().lines().filter(line -> !line.isBlank()).toList())
          .containsExactly("portcullis: PORTCULLIS_LOG_FORMAT: must be text or json");
    }
  }
}
