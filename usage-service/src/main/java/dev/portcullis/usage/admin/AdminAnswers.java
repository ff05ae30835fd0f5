package dev.portcullis.usage.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** How the ledger's admin calls answer: the call's JSON with its status, never cached, or its failure. */
public final class AdminAnswers {

  private AdminAnswers() {}

  /**
   * Runs {@code call} (a refusal it throws counts as its failure) and answers with its JSON, or
   * with no body for 204; a failure goes to {@code fail}, which says it in the admin API's format.
   */
  public static void respond(RoutingContext ctx, int status, Supplier<Future<JsonObject>> call,
      Function<JsonObject, String> encode, BiConsumer<RoutingContext, Throwable> fail) {
    Future<JsonObject> answer;
    try {
      answer = call.get();
    } catch (RuntimeException refused) {
      answer = Future.failedFuture(refused);
    }
    answer.onSuccess(json -> {
      if (status == 204) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(encode.apply(json));
      }
    }).onFailure(failure -> fail.accept(ctx, failure));
  }
}
