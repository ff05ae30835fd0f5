package dev.portcullis.gateway.auth;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AccessTokens;
import dev.portcullis.common.auth.AuthEvents;
import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.auth.GatewayKeys;
import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.auth.TokenSigningKey;
import dev.portcullis.common.auth.VerifyRequest;
import dev.portcullis.common.auth.VirtualKeyFormat;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * auth-service's bus side, faked: it knows the virtual keys it minted, counts the verify requests
 * it gets, and can hold its answers back until told to send them (a lookup kept in flight).
 */
final class FakeAuthService {

  static final String DEFAULT_PROXY = "00000000-0000-0000-0000-0000000000d1";

  private final Vertx vertx;
  private final byte[] checksumKey = VirtualKeyFormat.checksumKey(RandomTokens.base62(48));
  private final TokenSigningKey signingKey = TokenSigningKey.generate();
  private final AtomicInteger oauthClientRequests = new AtomicInteger();
  private final Map<String, Principal> keysByHash = new ConcurrentHashMap<>();
  private final AtomicInteger verifyRequests = new AtomicInteger();
  private final List<Message<Object>> held = new ArrayList<>();
  private boolean holding;
  private MessageConsumer<Object> verify;

  FakeAuthService(Vertx vertx) {
    this.vertx = vertx;
    BusCodecs.register(vertx);
    vertx.eventBus().consumer(Addresses.AUTH_KEYS, message -> message.reply(
        new GatewayKeys(List.of(signingKey.publicJwk()), checksumKey).toJson()));
    vertx.eventBus().<String>consumer(Addresses.AUTH_OAUTH_CLIENT, message -> {
      oauthClientRequests.incrementAndGet();
      // As slow as a store lookup can be: the other calls arrive while this one is in flight.
      vertx.setTimer(200, t -> message.reply(new Principal(message.body(), Principal.Kind.OAUTH_CLIENT, message.body(),
          List.of(), Map.of("openai", List.of(new UpstreamCredential("sk-" + message.body(), null, Map.of()))), 0)));
    });
    vertx.eventBus().consumer(Addresses.AUTH_PROXIES, message -> message.reply(
        new LlmProxyDirectory(Map.of(DEFAULT_PROXY, "default"), DEFAULT_PROXY)));
    verify = vertx.eventBus().consumer(Addresses.AUTH_VERIFY, this::onVerify);
  }

  /** A new virtual key that maps openai to {@code sk-<id>}. */
  String mintKey(String id) {
    String key = VirtualKeyFormat.mint(checksumKey);
    know(key, id);
    return key;
  }

  /** auth-service knows {@code key} (again), as the key of {@code id}. */
  void know(String key, String id) {
    keysByHash.put(CredentialHash.sha256Hex(key), new Principal(id, Principal.Kind.VIRTUAL_KEY, id, List.of(),
        Map.of("openai", List.of(new UpstreamCredential("sk-" + id, null, Map.of()))), 0));
  }

  /** From now on auth-service refuses {@code key} as it refuses a deleted one. */
  void forget(String key) {
    keysByHash.remove(CredentialHash.sha256Hex(key));
  }

  /** Publishes the revocation auth-service publishes when {@code key} is deleted. */
  void publishRevocation(String key) {
    vertx.eventBus().publish(Addresses.AUTH_EVENTS, AuthEvents.revokedVirtualKey("id", CredentialHash.sha256Hex(key)));
  }

  /** An access token for OAuth client {@code clientId}, valid for an hour on any proxy. */
  String accessToken(String clientId) {
    return AccessTokens.issue(signingKey, clientId, List.of(), AccessTokens.SCOPE,
        System.currentTimeMillis() / 1000, 3600);
  }

  int oauthClientRequests() {
    return oauthClientRequests.get();
  }

  int verifyRequests() {
    return verifyRequests.get();
  }

  /** Keeps the answers to verify requests back until {@link #release}. */
  synchronized void hold() {
    holding = true;
  }

  synchronized int held() {
    return held.size();
  }

  /** Answers every request held back (as auth-service knew the keys then: now), and stops holding. */
  void release() {
    List<Message<Object>> waiting;
    synchronized (this) {
      holding = false;
      waiting = new ArrayList<>(held);
      held.clear();
    }
    waiting.forEach(this::answer);
  }

  /** auth-service stops answering verify requests: the gateway sees it as unreachable. */
  void stopAnswering() {
    verify.unregister().await();
  }

  void startAnswering() {
    verify = vertx.eventBus().consumer(Addresses.AUTH_VERIFY, this::onVerify);
    verify.completion().await();
  }

  private void onVerify(Message<Object> message) {
    verifyRequests.incrementAndGet();
    synchronized (this) {
      if (holding) {
        held.add(message);
        return;
      }
    }
    answer(message);
  }

  private void answer(Message<Object> message) {
    VerifyRequest request = (VerifyRequest) message.body();
    Principal known = keysByHash.get(CredentialHash.sha256Hex(request.credential()));
    message.reply(known != null ? known : GatewayError.of(ErrorKind.AUTHENTICATION, "Invalid virtual key"));
  }
}
