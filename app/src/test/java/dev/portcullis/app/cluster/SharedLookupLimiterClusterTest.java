package dev.portcullis.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.app.PortcullisUnderTest;
import dev.portcullis.auth.LookupLimiter;
import dev.portcullis.auth.SharedLookupLimiter;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.testkit.ClusterCertificates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two clustered Vert.x instances (two Hazelcast members on loopback, configured as the launcher
 * configures them, event bus with TLS and client certificates) stand for two auth-service
 * processes: failed lookups counted on one block the address on the other.
 */
class SharedLookupLimiterClusterTest {

  private static Vertx first;
  private static Vertx second;

  @BeforeAll
  static void join() {
    int portA = PortcullisUnderTest.freePort();
    int portB = PortcullisUnderTest.freePort();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    String name = "limiter-test-" + ProcessHandle.current().pid();
    Path dir = Path.of("target", "limiter-test-tls-" + ProcessHandle.current().pid());
    ClusterCertificates ca = ClusterCertificates.newAuthority("limiter-test-ca");
    ClusterTls tlsA = tls(ca.issue("a").writePem(dir.resolve("a")));
    ClusterTls tlsB = tls(ca.issue("b").writePem(dir.resolve("b")));
    List<Vertx> joined = Future.all(
        ClusteredVertx.start(new ClusterSettings(true, name, members, false, null, "127.0.0.1", null, portA, 0, 10, tlsA)),
        ClusteredVertx.start(new ClusterSettings(true, name, members, false, null, "127.0.0.1", null, portB, 0, 10, tlsB)))
        .await().list();
    first = joined.get(0);
    second = joined.get(1);
  }

  private static ClusterTls tls(Map<String, String> settings) {
    JsonObject json = new JsonObject();
    settings.forEach(json::put);
    return ClusterTls.from(new Settings(json));
  }

  @AfterAll
  static void leave() {
    Future.join(first.close(), second.close()).await();
  }

  @Test
  void theLimiterIsTheSharedOneWhenClusteredAndCountsAcrossMembers() throws Exception {
    LookupLimiter onFirst = LookupLimiter.of(first, 3, 60_000);
    LookupLimiter onSecond = LookupLimiter.of(second, 3, 60_000);
    assertThat(onFirst).isInstanceOf(SharedLookupLimiter.class);
    long now = System.currentTimeMillis();
    onFirst.recordFailure("192.0.2.7", now);
    Thread.sleep(100);
    onSecond.recordFailure("192.0.2.7", now);
    Thread.sleep(100);
    assertThat(onFirst.blocked("192.0.2.7", now).await()).isFalse();
    onFirst.recordFailure("192.0.2.7", now);
    Thread.sleep(100);
    assertThat(onSecond.blocked("192.0.2.7", now).await()).as("blocked on the member that saw one failure of three").isTrue();
    assertThat(onSecond.blocked("192.0.2.8", now).await()).isFalse();
  }
}
