package dev.portcullis.gateway.auth;

import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.function.LongSupplier;

/**
 * What the gateway remembers of auth-service's answers: principals (by virtual-key hash or OAuth
 * client) and the LLM proxy directory. The gateway runs one verticle per event loop; they all
 * share one copy per Vert.x instance ({@link #attach}), so a key is looked up once per gateway,
 * not once per event loop. When the last user detaches the copy is forgotten: a gateway deployed
 * later must not trust answers from a time when nobody listened for revocations.
 */
final class AuthAnswers implements Shareable {

  static final long TTL_MILLIS = 30_000;
  /** Answers used in the last fifth of their life are refreshed in the background. */
  static final long REFRESH_AFTER_MILLIS = TTL_MILLIS * 4 / 5;
  static final int MAX_PRINCIPALS = 10_000;

  private static final String SHARED_MAP = "portcullis.gateway.auth-answers";
  private static final String SHARED_KEY = "answers";

  final RefreshingCache<Principal> principals;
  final RefreshingCache<LlmProxyDirectory> directory;
  private int users;

  AuthAnswers(LongSupplier clock, long ttlMillis, long refreshAfterMillis) {
    this.principals = new RefreshingCache<>(MAX_PRINCIPALS, ttlMillis, refreshAfterMillis, clock,
        AuthAnswers::refusesTheCredential);
    this.directory = new RefreshingCache<>(1, ttlMillis, refreshAfterMillis, clock, failure -> false);
  }

  /** The copy shared by every resolver on {@code vertx}; {@link #detach} it when done. */
  static AuthAnswers attach(Vertx vertx) {
    LocalMap<String, AuthAnswers> shared = vertx.sharedData().getLocalMap(SHARED_MAP);
    return shared.compute(SHARED_KEY, (key, answers) -> {
      AuthAnswers current = answers != null ? answers
          : new AuthAnswers(System::currentTimeMillis, TTL_MILLIS, REFRESH_AFTER_MILLIS);
      current.users++;
      return current;
    });
  }

  /** Called once per {@link #attach}; the last one forgets the shared copy. */
  void detach(Vertx vertx) {
    LocalMap<String, AuthAnswers> shared = vertx.sharedData().getLocalMap(SHARED_MAP);
    shared.computeIfPresent(SHARED_KEY, (key, answers) -> {
      if (answers != this) {
        return answers;
      }
      answers.users--;
      return answers.users > 0 ? answers : null;
    });
  }

  /** auth-service said the credential is not (or no longer) good: a cached answer for it must go. */
  private static boolean refusesTheCredential(Throwable failure) {
    return failure instanceof GatewayException refused && refused.error().kind() == ErrorKind.AUTHENTICATION;
  }
}
