package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage store goes down mid-run (PostgreSQL stopped): calls keep flowing, their records wait
 * in the gateway's journal, and once the database is back every record is written, none twice.
 */
@Timeout(180)
class UsageStoreOutageTest {

  private static final String KEY = "sk-outage-test-0123456789";
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void callsFlowWhileTheStoreIsDownAndEveryRecordIsWrittenOnceWhenItIsBack(@TempDir Path pgData) throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).start();
    int pgPort = postgres.getPort();
    Vertx upstreamVertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o-mini", "hi", 5, 2)));
    PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "ARCHESTRA_DATABASE_URL", "postgresql://postgres:postgres@localhost:" + pgPort + "/postgres",
        "ARCHESTRA_AUTH_SECRET", "outage-test-secret-0123456789abcdef0123456789"));
    try {
      List<String> answered = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        answered.add(call(portcullis));
      }
      postgres.close();
      // The store is down: passthrough calls need no database and keep working.
      for (int i = 0; i < 30; i++) {
        answered.add(call(portcullis));
      }
      Thread.sleep(1_500);
      postgres = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort)
          .start();
      AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
      long deadline = System.nanoTime() + 90_000_000_000L;
      List<String> recorded = List.of();
      while (System.nanoTime() < deadline) {
        HttpResponse<String> export = admin.send("GET", "/api/admin/usage/export?format=jsonl", null);
        if (export.statusCode() == 200) {
          recorded = export.body().lines().filter(line -> !line.isBlank())
              .map(line -> new JsonObject(line).getString("id")).toList();
          if (recorded.size() >= answered.size()) {
            break;
          }
        }
        Thread.sleep(200);
      }
      Set<String> unique = new HashSet<>(recorded);
      assertThat(unique).as("no record twice").hasSize(recorded.size());
      assertThat(unique).containsExactlyInAnyOrderElementsOf(answered);
    } finally {
      portcullis.close();
      postgres.close();
      upstream.close();
      upstreamVertx.close().await();
    }
  }

  /** One passthrough call; answers the request id Portcullis gave it. */
  private String call(PortcullisUnderTest portcullis) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
            URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.headers().firstValue("x-portcullis-request-id").orElseThrow();
  }
}
