package dev.portcullis.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class FoundryEntraTokenSourceTest {

  private final Vertx vertx = Vertx.vertx();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T08:00:00Z"));
  private final AtomicInteger fetches = new AtomicInteger();
  private final List<String> threads = new CopyOnWriteArrayList<>();
  private final List<TokenRequestContext> requests = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch release = new CountDownLatch(0);

  private final TokenCredential credential = new TokenCredential() {
    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
      return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
      threads.add(Thread.currentThread().getName());
      requests.add(request);
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      int n = fetches.incrementAndGet();
      return new AccessToken("token-" + n, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plusHours(1));
    }
  };

  private final FoundryEntraTokenSource source = new FoundryEntraTokenSource(credential, clock);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private String token() {
    return source.token(vertx).await();
  }

  @Test
  void fetchesOnAWorkerWithTheFoundryScopeAndCaches() {
    assertThat(token()).isEqualTo("token-1");
    assertThat(token()).isEqualTo("token-1");
    assertThat(fetches).hasValue(1);
    assertThat(threads).allMatch(name -> name.contains("worker"));
    assertThat(requests.get(0).getScopes()).containsExactly("https://ai.azure.com/.default");
  }

  @Test
  void concurrentCallersShareOneFetch() {
    release = new CountDownLatch(1);
    Future<String> a = source.token(vertx);
    Future<String> b = source.token(vertx);
    release.countDown();
    assertThat(a.await()).isEqualTo("token-1");
    assertThat(b.await()).isEqualTo("token-1");
    assertThat(fetches).hasValue(1);
  }

  @Test
  void nearExpiryTheOldTokenIsStillUsedWhileARefreshRunsAndAnExpiredOneNever() throws Exception {
    assertThat(token()).isEqualTo("token-1");
    clock.advance(Duration.ofMinutes(57));
    assertThat(token()).isEqualTo("token-1");
    long deadline = System.currentTimeMillis() + 2_000;
    while (fetches.get() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(50);
    assertThat(token()).isEqualTo("token-2");
    clock.advance(Duration.ofHours(2));
    assertThat(token()).isEqualTo("token-3");
  }

  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

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
  }
}
