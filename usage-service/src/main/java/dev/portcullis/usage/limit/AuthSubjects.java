package dev.portcullis.usage.limit;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.limit.LimitRule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Checks that what a rule applies to exists before it is stored, asking auth-service
 * ({@code portcullis.auth.subject}): a rule for a mistyped key id would never apply, and nobody
 * would notice until the bill. The organization always exists. Where no auth-service runs at all
 * (the ledger alone, in its own tests) there is nothing to check against and the rule is taken.
 */
public final class AuthSubjects {

  private static final long TIMEOUT_MS = 5_000;

  private final Vertx vertx;

  public AuthSubjects(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Succeeds when the subject exists; fails with the 400 naming the field, or a 503 when auth cannot say. */
  public Future<Void> check(LimitRule.Subject subject) {
    if (subject.kind() == LimitRule.Subject.Kind.ORGANIZATION) {
      return Future.succeededFuture();
    }
    String field = subject.kind().field();
    return vertx.eventBus().request(Addresses.AUTH_SUBJECT, new JsonObject().put(field, subject.id()),
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .transform(asked -> {
          if (asked.failed()) {
            if (asked.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
              return Future.succeededFuture();
            }
            return Future.failedFuture(new LimitRequestException(503,
                "Whether " + field + " exists cannot be checked now (auth-service did not answer); try again", field));
          }
          Object body = asked.result().body();
          if (body instanceof JsonObject answer && answer.getBoolean("exists", false)) {
            return Future.succeededFuture();
          }
          if (body instanceof JsonObject) {
            return Future.failedFuture(LimitRequestException.badField("appliesTo." + field, "'appliesTo." + field
                + "' names no " + noun(subject.kind()) + "; list them with GET /api/admin/" + path(subject.kind())));
          }
          return Future.failedFuture(new LimitRequestException(503,
              "Whether " + field + " exists cannot be checked now; try again", field));
        });
  }

  private static String noun(LimitRule.Subject.Kind kind) {
    return switch (kind) {
      case VIRTUAL_KEY -> "virtual key";
      case OAUTH_CLIENT -> "OAuth client";
      default -> "LLM proxy";
    };
  }

  private static String path(LimitRule.Subject.Kind kind) {
    return switch (kind) {
      case VIRTUAL_KEY -> "virtual-keys";
      case OAUTH_CLIENT -> "oauth-clients";
      default -> "llm-proxies";
    };
  }
}
