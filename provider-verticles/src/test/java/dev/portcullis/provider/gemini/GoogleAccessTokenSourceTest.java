package dev.portcullis.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.error.GatewayException;
import dev.portcullis.testkit.GoogleTokenEndpoint;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tokens are cached until five minutes before they expire; failures say where, never what. */
class GoogleAccessTokenSourceTest {

  private Vertx vertx;
  private GoogleTokenEndpoint endpoint;
  private Path file;
  private Instant now = Instant.now();
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    endpoint = GoogleTokenEndpoint.start(vertx, 3600);
    file = endpoint.writeServiceAccountFile(Files.createTempFile("service-account", ".json"));
  }

  @AfterEach
  void stop() throws Exception {
    endpoint.close();
    vertx.close().await();
    Files.deleteIfExists(file);
  }

  private String token(GoogleAccessTokenSource source) throws Exception {
    return vertx.getOrCreateContext().<String>executeBlocking(() -> null)
        .compose(v -> source.token()).await();
  }

  @Test
  void aTokenIsReusedUntilFiveMinutesBeforeItExpires() throws Exception {
    GoogleAccessTokenSource source = new GoogleAccessTokenSource(vertx, file.toString(), clock);

    assertThat(token(source)).isEqualTo(GoogleTokenEndpoint.accessToken(1));
    now = now.plus(Duration.ofMinutes(54));
    assertThat(token(source)).isEqualTo(GoogleTokenEndpoint.accessToken(1));
    now = now.plus(Duration.ofMinutes(2));
    assertThat(token(source)).isEqualTo(GoogleTokenEndpoint.accessToken(2));
    assertThat(endpoint.issuedCount()).isEqualTo(2);
  }

  @Test
  void aMissingCredentialsFileIsA503NamingTheSetting() {
    GoogleAccessTokenSource source = new GoogleAccessTokenSource(vertx, file + ".missing", clock);

    var result = source.token();
    try {
      result.await();
    } catch (RuntimeException expected) {
      // checked below
    }
    assertThat(result.cause()).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.error().status()).isEqualTo(503);
      assertThat(e.error().message()).contains(VertexAiEndpoint.CREDENTIALS_FILE).doesNotContain(".missing");
    });
  }
}
