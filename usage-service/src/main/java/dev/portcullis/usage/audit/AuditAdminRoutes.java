package dev.portcullis.usage.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's admin calls, mounted on the admin API's router (which checked the admin token
 * first):
 *
 * <ul>
 *   <li>{@code GET {base}/audit/verify}: {@code {"intact":true,"records":N,"writers":K,...}} or
 *       {@code {"intact":false,"breaks":B,"firstBreak":{"writerId":..,"seq":..,"reason":..,"detail":..},...}}
 *       ({@link AuditReport#toJson}), with every writer's head;
 *   <li>{@code GET {base}/audit/export}: the whole log as JSON lines, streamed ({@code
 *       application/x-ndjson}), in the format {@code java -jar portcullis.jar audit verify FILE}
 *       checks offline ({@link AuditVerifier});
 *   <li>{@code GET {base}/audit/records?requestId=ID}: the rows of one call, bodies included,
 *       each with {@code hashValid} (its own hash only: its place in the chain is what verify
 *       checks).
 * </ul>
 *
 * <p>Errors have the admin API's shape: {@code {"error":{"message":..,"field":..}}}.
 */
public final class AuditAdminRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(AuditAdminRoutes.class);

  private final AuditStore store;

  public AuditAdminRoutes(AuditStore store) {
    this.store = store;
  }

  /** Adds the routes under {@code base} (such as {@code /api/admin}). */
  public void mount(Router router, String base) {
    router.get(base + "/audit/verify").handler(ctx -> respond(ctx, store.verify().map(AuditReport::toJson)));
    router.get(base + "/audit/records").handler(this::records);
    router.get(base + "/audit/export").handler(this::export);
  }

  private void records(RoutingContext ctx) {
    List<String> ids = ctx.queryParam("requestId");
    if (ids.size() != 1 || ids.get(0).isBlank()) {
      error(ctx, 400, "Give one requestId: GET .../audit/records?requestId=ID", "requestId");
      return;
    }
    respond(ctx, store.recordsOfRequest(ids.get(0)).map(rows -> new JsonObject().put("data",
        new JsonArray(rows.stream().map(row -> {
          JsonObject view = row.toJson().put("hashValid", row.hashValid());
          view.remove("type");
          return (Object) view;
        }).toList()))));
  }

  private void export(RoutingContext ctx) {
    var response = ctx.response();
    response.setChunked(true)
        .putHeader("Content-Type", "application/x-ndjson")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Disposition", "attachment; filename=\"portcullis-audit-" + System.currentTimeMillis()
            + ".jsonl\"");
    store.export(response).onComplete(exported -> {
      if (exported.succeeded()) {
        response.end();
      } else if (!response.headWritten()) {
        failed(ctx, exported.cause());
      } else {
        // Cut short: a reset, never an end that would make a partial export look whole (it
        // also has no end line, which the offline verifier reports).
        LOG.warn("Audit export broke off after it started: {}", String.valueOf(exported.cause()));
        response.reset();
      }
    });
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> answer) {
    answer.onSuccess(json -> ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(json.encode()))
        .onFailure(failure -> failed(ctx, failure));
  }

  private static void failed(RoutingContext ctx, Throwable failure) {
    // Store messages may quote SQL and values: the detail goes to the log only.
    LOG.error("Admin call {} {} failed", ctx.request().method(), ctx.request().path(), failure);
    error(ctx, 500, "Internal error; see the usage-service log", null);
  }

  private static void error(RoutingContext ctx, int status, String message, String field) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", message).put("field", field)).encode());
  }
}
