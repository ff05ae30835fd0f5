package dev.portcullis.usage.query;

import dev.portcullis.database.Database;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's usage calls, mounted on the admin router by {@link #mount} (whoever mounts them
 * has already checked the admin token):
 *
 * <ul>
 *   <li>{@code GET {base}/usage?from=&to=&llmProxyId=&virtualKeyId=&oauthClientId=&provider=&model=&by=}:
 *       totals, per group when {@code by} is {@code day}, {@code hour}, {@code key}, {@code model},
 *       {@code provider} or {@code proxy} ({@link UsageReport});</li>
 *   <li>{@code GET {base}/usage/export?format=csv|jsonl&<the same filters>}: every matching record,
 *       streamed ({@link UsageExport}).</li>
 * </ul>
 *
 * <p>Parameters are read strictly ({@link RequestParameters}, {@link UsageFilter}): anything
 * unknown, repeated or malformed is a 400 before the database is asked anything. Errors have the
 * admin API's shape, {@code {"error":{"message":"...","field":"<parameter or null>"}}}; a database
 * failure is a 503 that says so (the detail is logged, never answered).
 */
public final class UsageAdminRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(UsageAdminRoutes.class);

  static final Set<String> REPORT_PARAMETERS = with(UsageFilter.PARAMETERS, "by");
  static final Set<String> EXPORT_PARAMETERS = with(UsageFilter.PARAMETERS, "format");

  private final UsageReport report;
  private final UsageExport export;

  /** The routes over the ledger in {@code db} (migrated by {@code UsageMigrations}). */
  public UsageAdminRoutes(Database db) {
    this(new UsageReport(db), new UsageExport(db));
  }

  UsageAdminRoutes(UsageReport report, UsageExport export) {
    this.report = report;
    this.export = export;
  }

  /**
   * Adds {@code GET {base}/usage} and {@code GET {base}/usage/export} to {@code router}.
   *
   * @param base the admin API's prefix, such as {@code /api/admin}
   */
  public void mount(Router router, String base) {
    if (!base.startsWith("/") || base.endsWith("/")) {
      throw new IllegalArgumentException("base must start with '/' and not end with one: " + base);
    }
    router.get(base + "/usage").handler(this::report);
    router.get(base + "/usage/export").handler(this::export);
  }

  private void report(RoutingContext ctx) {
    UsageFilter filter;
    Grouping by;
    try {
      RequestParameters parameters = RequestParameters.parse(ctx.request().query(), REPORT_PARAMETERS);
      filter = UsageFilter.from(parameters);
      by = Grouping.parse(parameters.get("by"));
    } catch (UsageRequestException refused) {
      refuse(ctx.response(), refused);
      return;
    }
    report.run(filter, by)
        .onSuccess(result -> ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(result.toJson()))
        .onFailure(failure -> failed(ctx, "report", failure));
  }

  private void export(RoutingContext ctx) {
    UsageFilter filter;
    ExportFormat format;
    try {
      RequestParameters parameters = RequestParameters.parse(ctx.request().query(), EXPORT_PARAMETERS);
      filter = UsageFilter.from(parameters);
      format = ExportFormat.parse(parameters.get("format"));
    } catch (UsageRequestException refused) {
      refuse(ctx.response(), refused);
      return;
    }
    export.writeTo(ctx.response(), filter, format).onFailure(failure -> {
      if (!ctx.response().headWritten()) {
        failed(ctx, "export", failure);
        return;
      }
      // Part of the file is out: breaking the connection is the one way to say it is incomplete.
      LOG.error("Usage export broke off after its head was written", failure);
      ctx.response().reset();
    });
  }

  private static void refuse(HttpServerResponse response, UsageRequestException refused) {
    LOG.debug("Usage query refused: {}", refused.getMessage());
    answer(response, 400, refused.getMessage(), refused.parameter());
  }

  private static void failed(RoutingContext ctx, String what, Throwable failure) {
    if (failure instanceof UsageRequestException refused) {
      refuse(ctx.response(), refused);
    } else if (failure instanceof UsageStoreException unavailable) {
      // The cause may quote SQL and values: logged with its stack, never answered.
      LOG.error("Usage {} failed: the database did not answer", what, unavailable.getCause());
      answer(ctx.response(), 503, unavailable.getMessage(), null);
    } else {
      LOG.error("Usage {} failed", what, failure);
      answer(ctx.response(), 500, "Internal error; see the usage-service log", null);
    }
  }

  private static void answer(HttpServerResponse response, int status, String message, String field) {
    if (response.closed() || response.ended()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("error", new JsonObject().put("message", message).put("field", field)).encode());
  }

  private static Set<String> with(Set<String> parameters, String more) {
    Set<String> all = new HashSet<>(parameters);
    all.add(more);
    return Set.copyOf(all);
  }
}
