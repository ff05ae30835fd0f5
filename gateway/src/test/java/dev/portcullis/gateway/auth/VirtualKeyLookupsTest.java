package dev.portcullis.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How often the gateway asks auth-service about a virtual key: once for any number of concurrent
 * first uses, again in the background before a key in use runs out, never to put back a key that
 * was revoked meanwhile. A fake auth-service on a real event bus counts the requests; the
 * resolver's answers run on a clock of the test's own.
 */
class VirtualKeyLookupsTest {

  private static final long TTL = AuthAnswers.TTL_MILLIS;
  private static final long REFRESH_AFTER = AuthAnswers.REFRESH_AFTER_MILLIS;

  private Vertx vertx;
  private FakeAuthService auth;
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private AuthAnswers answers;
  private CredentialResolver resolver;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    auth = new FakeAuthService(vertx);
    answers = new AuthAnswers(clock::get, TTL, REFRESH_AFTER);
    resolver = new CredentialResolver(vertx, new Settings(new JsonObject()), answers);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void fiftyConcurrentFirstUsesOfOneKeyOnTwoEventLoopsMakeOneLookup() {
    String key = auth.mintKey("vk-1");
    auth.hold();
    // As in the gateway: one resolver per event loop, one copy of the answers for them all.
    List<Context> loops = List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext());
    List<CredentialResolver> resolvers = new ArrayList<>();
    for (Context loop : loops) {
      Promise<CredentialResolver> made = Promise.promise();
      loop.runOnContext(v -> made.complete(new CredentialResolver(vertx, new Settings(new JsonObject()), answers)));
      resolvers.add(made.future().await());
    }
    List<Future<String>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(resolveOn(loops.get(i % 2), resolvers.get(i % 2), key));
    }
    waitFor(() -> auth.held() == 1);
    sleep(100);
    auth.release();

    Future.all(calls).await();
    assertThat(calls).allSatisfy(call -> assertThat(call.result()).isEqualTo("sk-vk-1 answered on its own event loop"));
    assertThat(auth.verifyRequests()).as("verify requests for 50 concurrent first uses").isEqualTo(1);
    assertThat(resolve(key).credential().apiKey()).isEqualTo("sk-vk-1");
    assertThat(auth.verifyRequests()).isEqualTo(1);
  }

  @Test
  void aFailedLookupIsSharedByItsWaitersOnlyAndNotCached() {
    String key = auth.mintKey("vk-2");
    auth.forget(key);
    auth.hold();
    List<Future<Resolution>> refused = concurrently(10, key);
    waitFor(() -> auth.held() == 1);
    auth.release();
    assertThat(refused).allSatisfy(call -> assertFails(call, ErrorKind.AUTHENTICATION, "Invalid virtual key"));
    assertThat(auth.verifyRequests()).isEqualTo(1);

    auth.stopAnswering();
    List<Future<Resolution>> unreachable = concurrently(10, key);
    unreachable.forEach(call -> assertFails(call, ErrorKind.UNAVAILABLE, "unavailable"));

    auth.startAnswering();
    auth.know(key, "vk-2");
    assertThat(resolve(key).credential().apiKey()).isEqualTo("sk-vk-2");
    assertThat(auth.verifyRequests()).as("a failed lookup is asked again on the next call").isEqualTo(2);
  }

  @Test
  void aKeyUsedNearItsExpiryIsAnsweredFromTheCacheAndRefreshedOnceInTheBackground() {
    String key = auth.mintKey("vk-3");
    resolve(key);
    assertThat(auth.verifyRequests()).isEqualTo(1);

    clock.addAndGet(REFRESH_AFTER - 1);
    resolve(key);
    assertThat(auth.verifyRequests()).as("no refresh before the last fifth of the answer's life").isEqualTo(1);

    clock.addAndGet(2);
    auth.hold();
    for (Future<Resolution> call : concurrently(20, key)) {
      // Answered while the refresh is still held back: from the cache.
      assertThat(call.await().credential().apiKey()).isEqualTo("sk-vk-3");
    }
    waitFor(() -> auth.held() == 1);
    sleep(100);
    assertThat(auth.verifyRequests()).as("one background refresh for 20 calls near expiry").isEqualTo(2);
    auth.release();
    waitFor(() -> !answers.principals.inFlight(CredentialHash.sha256Hex(key)));

    clock.addAndGet(TTL - REFRESH_AFTER + 1_000);
    assertThat(resolve(key).credential().apiKey()).as("past the first answer's expiry").isEqualTo("sk-vk-3");
    assertThat(auth.verifyRequests()).as("the refreshed answer is used, no miss").isEqualTo(2);
  }

  @Test
  void aRevocationDuringARefreshInFlightWins() {
    String key = auth.mintKey("vk-4");
    resolve(key);
    clock.addAndGet(REFRESH_AFTER + 1);
    auth.hold();
    resolve(key);
    waitFor(() -> auth.held() == 1);

    auth.publishRevocation(key);
    waitFor(() -> answers.principals.size() == 0);
    // auth-service answered the refresh before the key was deleted: the answer says it is good.
    auth.release();
    waitFor(() -> auth.held() == 0);
    sleep(200);
    auth.forget(key);

    assertFails(resolver.resolve(key, "openai", null, "10.0.0.1"), ErrorKind.AUTHENTICATION, "Invalid virtual key");
    assertThat(auth.verifyRequests()).as("the revoked key was asked about again, not answered from the cache")
        .isEqualTo(3);
  }

  @Test
  void aRevocationDuringAFirstLookupInFlightWins() {
    String key = auth.mintKey("vk-5");
    auth.hold();
    Future<Resolution> first = resolver.resolve(key, "openai", null, "10.0.0.1");
    waitFor(() -> auth.held() == 1);
    auth.publishRevocation(key);
    waitFor(() -> answers.principals.size() == 0);
    sleep(100);
    auth.release();
    first.await();
    auth.forget(key);

    assertFails(resolver.resolve(key, "openai", null, "10.0.0.1"), ErrorKind.AUTHENTICATION, "Invalid virtual key");
    assertThat(auth.verifyRequests()).isEqualTo(2);
  }

  @Test
  void differentKeysDoNotShareAFlight() {
    String one = auth.mintKey("vk-6");
    String other = auth.mintKey("vk-7");
    auth.hold();
    Future<Resolution> first = resolver.resolve(one, "openai", null, "10.0.0.1");
    Future<Resolution> second = resolver.resolve(other, "openai", null, "10.0.0.1");
    waitFor(() -> auth.held() == 2);
    assertThat(answers.principals.inFlight(CredentialHash.sha256Hex(one))).isTrue();
    assertThat(answers.principals.inFlight(CredentialHash.sha256Hex(other))).isTrue();
    auth.release();
    assertThat(first.await().credential().apiKey()).isEqualTo("sk-vk-6");
    assertThat(second.await().credential().apiKey()).isEqualTo("sk-vk-7");
    assertThat(auth.verifyRequests()).isEqualTo(2);
  }

  @Test
  void aRefreshThatCannotReachAuthServiceKeepsTheAnswerAndOneThatIsRefusedDropsIt() {
    String key = auth.mintKey("vk-9");
    resolve(key);
    clock.addAndGet(REFRESH_AFTER + 1);
    auth.stopAnswering();
    assertThat(resolve(key).credential().apiKey()).isEqualTo("sk-vk-9");
    waitFor(() -> !answers.principals.inFlight(CredentialHash.sha256Hex(key)));
    assertThat(answers.principals.size()).as("kept while auth-service is unreachable").isEqualTo(1);

    auth.startAnswering();
    auth.forget(key);
    assertThat(resolve(key).credential().apiKey()).as("answered from the cache; the refresh is refused")
        .isEqualTo("sk-vk-9");
    waitFor(() -> answers.principals.size() == 0);
    assertFails(resolver.resolve(key, "openai", null, "10.0.0.1"), ErrorKind.AUTHENTICATION, "Invalid virtual key");
  }

  @Test
  void concurrentCallsWithAccessTokensOfOneOAuthClientMakeOneLookup() {
    List<Future<Resolution>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // Different tokens, one client: the lookup is of the client.
      calls.add(resolver.resolve(auth.accessToken("pc-oc-1"), "openai", FakeAuthService.DEFAULT_PROXY, "10.0.0.1"));
    }
    calls.add(resolver.resolve(auth.accessToken("pc-oc-2"), "openai", FakeAuthService.DEFAULT_PROXY, "10.0.0.1"));
    Future.all(calls).await();
    assertThat(calls.get(0).result().credential().apiKey()).isEqualTo("sk-pc-oc-1");
    assertThat(calls.get(30).result().credential().apiKey()).isEqualTo("sk-pc-oc-2");
    assertThat(auth.oauthClientRequests()).as("client lookups for 31 calls of two clients").isEqualTo(2);
  }

  @Test
  void anAnswerPastItsLifeIsLookedUpAgain() {
    String key = auth.mintKey("vk-8");
    resolve(key);
    clock.addAndGet(TTL);
    resolve(key);
    assertThat(auth.verifyRequests()).isEqualTo(2);
  }

  private static Future<String> resolveOn(Context loop, CredentialResolver resolver, String key) {
    Promise<String> done = Promise.promise();
    loop.runOnContext(v -> resolver.resolve(key, "openai", null, "10.0.0.1").onComplete(result -> {
      if (Vertx.currentContext() != loop) {
        done.fail("answered on another event loop");
      } else if (result.failed()) {
        done.fail(result.cause());
      } else {
        done.complete(result.result().credential().apiKey() + " answered on its own event loop");
      }
    }));
    return done.future();
  }

  private List<Future<Resolution>> concurrently(int calls, String key) {
    List<Future<Resolution>> all = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      all.add(resolver.resolve(key, "openai", null, "10.0.0.1"));
    }
    return all;
  }

  private Resolution resolve(String key) {
    return resolver.resolve(key, "openai", null, "10.0.0.1").await();
  }

  private static void waitFor(BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      sleep(5);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void assertFails(Future<Resolution> resolution, ErrorKind kind, String messagePart) {
    assertThatThrownBy(resolution::await)
        .isInstanceOf(GatewayException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((GatewayException) e).error().kind()).isEqualTo(kind));
  }
}
