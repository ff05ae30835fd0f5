package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.app.launch.JvmTuning;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, for real: {@code java -jar app/target/portcullis.jar} from the repo
 * root, configured only through the environment, proxying an openai-java call; then SIGTERM with a
 * stream in flight (it finishes, new calls are refused, exit status 0); and a bad setting
 * (exit status 2, one line naming it). The plain command runs with the launcher's tuned JVM flags,
 * in the same process (the launcher replaces itself), unless they are turned off.
 */
class JarLaunchIT {

  private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;

  @BeforeAll
  static void upstream() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
  }

  @AfterAll
  static void stop() {
    upstream.close();
    upstreamVertx.close().await();
  }

  private static Process launch(Map<String, String> env, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(JAVA, "-jar", "app/target/portcullis.jar")
        .directory(REPO_ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // The README's command exactly: no JVM options from this test JVM's environment either.
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().putAll(env);
    return builder.start();
  }

  private static void awaitReady(int port, Process process, Path log) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("portcullis exited early:%n%s", Files.readString(log)).isTrue();
      try {
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (ConnectException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("portcullis did not become ready:\n" + Files.readString(log));
  }

  @Test
  void theJarProxiesACallAndDrainsAStreamOnSigterm() throws Exception {
    int port = PortcullisUnderTest.freePort();
    Path log = PortcullisProcess.newLog("portcullis-jar");
    Process process = launch(Map.of(
        "PORTCULLIS_PORT", String.valueOf(port),
        "ARCHESTRA_METRICS_PORT", String.valueOf(PortcullisUnderTest.freePort()),
        "PORTCULLIS_ADMIN_PORT", String.valueOf(PortcullisUnderTest.freePort()),
        "PORTCULLIS_DATA_DIR", new File("target/jar-it-data").getAbsolutePath(),
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")), log);
    try {
      awaitReady(port, process, log);
      assertThat(commandLine(process)).as("the same process now runs the tuned JVM")
          .contains("-XX:+UseSerialGC", "-Xmx224m", "-Xmn48m", JvmTuning.MARKER)
          .endsWith("-jar", "app/target/portcullis.jar");
      assertThat(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "environ")).split("\0"))
          .contains("MALLOC_ARENA_MAX=2", "ARCHESTRA_OPENAI_BASE_URL=" + upstream.baseUrl("/v1"));
      assertThat(Files.readString(log)).contains("JVM tuned for a gateway: -XX:+UseSerialGC");
      upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200,
          OpenAiWire.chatCompletion("gpt-4o", "from the jar", 3, 3)));
      OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1/openai")
          .apiKey("sk-jar-test").maxRetries(0).build();
      ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("gpt-4o").addUserMessage("hi").build());
      assertThat(completion.choices().get(0).message().content()).hasValue("from the jar");
      assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer sk-jar-test");
      client.close();

      List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("still", " here"), 2, 2);
      SseScript script = SseScript.create().data(chunks.get(0)).gate("after-sigterm");
      chunks.subList(1, chunks.size()).forEach(script::data);
      script.data("[DONE]");
      upstream.on("POST", "/v1/chat/completions", script);
      // Keep the client referenced: an unreachable java.net.http client closes its connections.
      HttpClient streamClient = HttpClient.newHttpClient();
      HttpResponse<InputStream> stream = streamClient.send(HttpRequest.newBuilder()
          .uri(URI.create("http://127.0.0.1:" + port + "/v1/openai/chat/completions"))
          .header("Authorization", "Bearer sk-jar-test").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
      assertThat(reader.readLine()).isEqualTo("data: " + chunks.get(0));

      process.destroy(); // SIGTERM
      awaitRefusing(port);
      script.open("after-sigterm");
      StringBuilder rest = new StringBuilder();
      for (String line; (line = reader.readLine()) != null; ) {
        rest.append(line).append('\n');
      }
      assertThat(rest.toString()).as("the in-flight stream finished").endsWith("data: [DONE]\n\n");
      assertThat(streamClient).isNotNull();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(Files.readString(log)).isZero();
      // One JSON object per line on stdout.
      for (String line : Files.readAllLines(log)) {
        if (!line.isBlank()) {
          assertThat(line).startsWith("{").endsWith("}");
        }
      }
      assertThat(Files.readString(log)).contains("\"logger_name\":\"portcullis.access\"").doesNotContain("sk-jar-test");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void aBadSettingStopsStartWithOneLineNamingIt() throws Exception {
    Path log = PortcullisProcess.newLog("portcullis-jar-bad");
    Process process = launch(Map.of(
        "PORTCULLIS_PORT", String.valueOf(PortcullisUnderTest.freePort()),
        "ARCHESTRA_API_BODY_LIMIT", "lots"), log);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("portcullis: ARCHESTRA_API_BODY_LIMIT: ");
  }

  @Test
  void tuningTurnedOffKeepsTheJvmAsStarted() throws Exception {
    int port = PortcullisUnderTest.freePort();
    Path log = PortcullisProcess.newLog("portcullis-jar-untuned");
    Process process = launch(Map.of(
        "PORTCULLIS_JVM_TUNING", "false",
        "PORTCULLIS_PORT", String.valueOf(port),
        "ARCHESTRA_METRICS_PORT", String.valueOf(PortcullisUnderTest.freePort()),
        "PORTCULLIS_ADMIN_PORT", String.valueOf(PortcullisUnderTest.freePort()),
        "PORTCULLIS_DATA_DIR", new File("target/jar-it-untuned-data").getAbsolutePath()), log);
    try {
      awaitReady(port, process, log);
      assertThat(commandLine(process)).containsExactly(JAVA, "-jar", "app/target/portcullis.jar");
      assertThat(Files.readString(log)).contains("JVM flags left as given: PORTCULLIS_JVM_TUNING=false");
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void aBadTuningSwitchStopsStartWithOneLineNamingIt() throws Exception {
    Path log = PortcullisProcess.newLog("portcullis-jar-bad-tuning");
    Process process = launch(Map.of("PORTCULLIS_JVM_TUNING", "maybe"), log);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList())
        .containsExactly("portcullis: PORTCULLIS_JVM_TUNING: must be true or false");
  }

  /** The process's command line as the kernel has it now (after any in-place restart). */
  private static List<String> commandLine(Process process) throws IOException {
    String raw = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
    return List.of(raw.split("\0"));
  }

  /**
   * After SIGTERM, new calls are turned away (503, a refused connection or a closed one) while the
   * stream in flight goes on.
   */
  private static void awaitRefusing(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/openai/models")).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 503) {
          assertThat(response.body()).contains("shutting down");
          return;
        }
      } catch (ConnectException refused) {
        return;
      } catch (IOException closing) {
        // Each event loop's gateway closes its own server once its own calls are done: a
        // connection it held is closed under the request (GOAWAY on HTTP/2, which Java 17's client
        // fails the request on even when the GOAWAY lets it finish), which also turns it away.
        assertThat(closing.getMessage()).as("how the call failed").containsAnyOf("GOAWAY", "closed", "reset");
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the gateway still takes new calls after SIGTERM");
  }
}
