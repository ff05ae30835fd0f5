package dev.portcullis.auth.token;

import dev.portcullis.auth.SecretCipher;
import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.auth.store.SigningKeyRow;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AuthEvents;
import dev.portcullis.common.auth.GatewayKeys;
import dev.portcullis.common.auth.TokenSigningKey;
import com.nimbusds.jose.jwk.ECKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth-service's access-token signing keys, kept in the store with their private half sealed
 * under the auth secret. The newest unretired key signs; a rotation (admin call, or the
 * {@code PORTCULLIS_TOKEN_KEY_ROTATION_DAYS} age limit) adds a new key and retires the others,
 * which stay published for {@link #RETIRED_KEY_GRACE_MILLIS} so tokens they signed verify until
 * they expire. Every rotation is announced on {@code portcullis.auth.events}; other auth-service
 * instances and every gateway then read the keys again.
 */
public final class SigningKeys {

  /** A retired key is published this long: a token's lifetime plus five minutes of clock skew. */
  public static final long RETIRED_KEY_GRACE_MILLIS = (TokenIssuer.TOKEN_TTL_SECONDS + 300) * 1000;
  /** Rows retired longer ago than this are deleted at the next rotation. */
  private static final long FORGET_AFTER_MILLIS = 7L * 24 * 3600 * 1000;
  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

  private final Vertx vertx;
  private final AuthStore store;
  private final SecretCipher cipher;
  private final byte[] virtualKeyChecksumKey;
  private final LongSupplier clock;
  private volatile State state;

  private record State(TokenSigningKey current, long currentCreatedAt, GatewayKeys published) {}

  public SigningKeys(Vertx vertx, AuthStore store, SecretCipher cipher, byte[] virtualKeyChecksumKey, LongSupplier clock) {
    this.vertx = vertx;
    this.store = store;
    this.cipher = cipher;
    this.virtualKeyChecksumKey = virtualKeyChecksumKey.clone();
    this.clock = clock;
  }

  /** Reads the keys, creating the first one on a new store. */
  public Future<Void> load() {
    return store.listSigningKeys().compose(rows -> rows.stream().anyMatch(row -> row.retiredAt() == null)
        ? apply(rows)
        : add(false).compose(kid -> store.listSigningKeys()).compose(this::apply));
  }

  /** Makes a new key current and announces it; answers its kid. */
  public Future<String> rotate() {
    return add(true).compose(kid -> store.listSigningKeys().compose(this::apply).map(kid)).onSuccess(kid -> {
      LOG.info("Access-token signing key rotated: {} signs from now on", kid);
      vertx.eventBus().publish(Addresses.AUTH_EVENTS, AuthEvents.rotatedSigningKey(kid));
    });
  }

  /** Rotates when the current key is older than {@code maxAgeMillis}; answers whether it did. */
  public Future<Boolean> rotateIfOlderThan(long maxAgeMillis) {
    State current = state;
    if (current == null || clock.getAsLong() - current.currentCreatedAt() < maxAgeMillis) {
      return Future.succeededFuture(false);
    }
    return rotate().map(true);
  }

  /** The key that signs new tokens. */
  public TokenSigningKey current() {
    State current = state;
    if (current == null) {
      throw new IllegalStateException("signing keys are not loaded yet");
    }
    return current.current();
  }

  /** What gateways need: the published public keys and the virtual-key checksum key. */
  public GatewayKeys gatewayKeys() {
    State current = state;
    if (current == null) {
      throw new IllegalStateException("signing keys are not loaded yet");
    }
    return current.published();
  }

  /** Every stored key's kid, age and state, for the admin API (never the keys themselves). */
  public Future<List<SigningKeyRow>> list() {
    return store.listSigningKeys();
  }

  private Future<String> add(boolean retireOthers) {
    TokenSigningKey key = TokenSigningKey.generate();
    long now = clock.getAsLong();
    return store.addSigningKey(new SigningKeyRow(key.keyId(), cipher.encrypt(key.privateJwk()), now, null),
        retireOthers, now - FORGET_AFTER_MILLIS).map(key.keyId());
  }

  private Future<Void> apply(List<SigningKeyRow> newestFirst) {
    long now = clock.getAsLong();
    TokenSigningKey current = null;
    long currentCreatedAt = 0;
    List<ECKey> published = new ArrayList<>();
    for (SigningKeyRow row : newestFirst) {
      boolean live = row.retiredAt() == null || row.retiredAt() > now - RETIRED_KEY_GRACE_MILLIS;
      if (!live) {
        continue;
      }
      TokenSigningKey key = TokenSigningKey.fromPrivateJwk(cipher.decrypt(row.encryptedPrivateJwk()));
      if (current == null && row.retiredAt() == null) {
        current = key;
        currentCreatedAt = row.createdAt();
      }
      published.add(key.publicJwk());
    }
    if (current == null) {
      return Future.failedFuture(new IllegalStateException("the store holds no current signing key"));
    }
    state = new State(current, currentCreatedAt, new GatewayKeys(published, virtualKeyChecksumKey));
    return Future.succeededFuture();
  }

  /** Reads the keys again (after another instance rotated them, say). */
  public Future<Void> reload() {
    return store.listSigningKeys().compose(this::apply);
  }
}
