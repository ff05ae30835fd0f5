package dev.portcullis.usage.limit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.json.ClientJsonLimits;
import dev.portcullis.common.limit.LimitCounters;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitRuleException;
import dev.portcullis.common.limit.LimitRuleParser;
import dev.portcullis.usage.admin.AdminAnswers;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's limit calls, mounted on the admin router behind its token check:
 *
 * <ul>
 *   <li>{@code POST {base}/limits} with a rule ({@link LimitRuleParser}): 201 with the rule as
 *       stored ({@link LimitRule#toJson}: its id, revision 1, times);
 *   <li>{@code GET {base}/limits}: {@code {"data": [rule, ...]}}, oldest first;
 *   <li>{@code GET {base}/limits/{id}}: one rule;
 *   <li>{@code PUT {base}/limits/{id}}: replaces the rule whole (its revision grows, which starts
 *       its spend afresh from the ledger);
 *   <li>{@code DELETE {base}/limits/{id}}: 204;
 *   <li>{@code GET {base}/limits/{id}/status}: each limit's use now ({@link LimitStatus}).
 * </ul>
 *
 * <p>After every change the gateways are told ({@link LimitDirectory#changed}), and enforce it
 * from their next call on. A name is unique (409 on a clash); an unknown id is a 404; a rule the
 * parser refuses is a 400 naming the field. Refusals are {@code {"error": {"message": ...,
 * "field": ...}}} as the rest of the admin API answers them.
 */
public final class LimitAdminRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(LimitAdminRoutes.class);
  /** The largest rule (64 globs of 256 characters) is about 17 KB. */
  static final int BODY_LIMIT = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper(ClientJsonLimits.factory(BODY_LIMIT))
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** What {@link LimitStore} makes: anything else is no rule's id, and is not looked up. */
  private static final Pattern ID = Pattern.compile(Pattern.quote(LimitStore.ID_PREFIX) + "[A-Za-z0-9]{"
      + LimitStore.ID_RANDOM_CHARS + "}");

  private final LimitStore store;
  private final LimitDirectory directory;
  private final LimitStatus status;
  private final Function<RoutingContext, Buffer> bodyOf;
  private final AuthSubjects subjects;

  /**
   * @param counters the counters the gateways share, read for a rule's status
   * @param bodyOf   where the caller put the request body it read (the admin API reads it within its
   *                 limit before routing); {@code ctx -> ctx.body().buffer()} behind vertx-web's
   *                 BodyHandler
   */
  public LimitAdminRoutes(LimitStore store, LimitDirectory directory, LimitCounters counters, LedgerSpend ledger,
      Function<RoutingContext, Buffer> bodyOf, AuthSubjects subjects) {
    this.subjects = subjects;
    this.store = store;
    this.directory = directory;
    this.status = new LimitStatus(counters, ledger);
    this.bodyOf = bodyOf;
  }

  /** Adds the routes under {@code base} (such as {@code /api/admin}); mount before any catch-all. */
  public void mount(Router router, String base) {
    router.post(base + "/limits").handler(ctx -> respond(ctx, 201, () -> create(ctx)));
    router.get(base + "/limits").handler(ctx -> respond(ctx, 200, () -> list(ctx)));
    router.get(base + "/limits/:id").handler(ctx -> respond(ctx, 200, () -> show(ctx)));
    router.put(base + "/limits/:id").handler(ctx -> respond(ctx, 200, () -> replace(ctx)));
    router.delete(base + "/limits/:id").handler(ctx -> respond(ctx, 204, () -> delete(ctx)));
    router.get(base + "/limits/:id/status").handler(ctx -> respond(ctx, 200, () -> status(ctx)));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    noQuery(ctx);
    LimitRule rule = LimitRuleParser.parse(body(ctx));
    return subjects.check(rule.appliesTo()).compose(v -> store.create(rule)).compose(stored -> directory.changed().map(stored.toJson()));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    noQuery(ctx);
    return store.list().map(rules -> new JsonObject().put("data",
        new JsonArray(rules.stream().map(rule -> (Object) rule.toJson()).toList())));
  }

  private Future<JsonObject> show(RoutingContext ctx) {
    noQuery(ctx);
    return existing(ctx).map(LimitRule::toJson);
  }

  private Future<JsonObject> replace(RoutingContext ctx) {
    noQuery(ctx);
    String id = id(ctx);
    LimitRule rule = LimitRuleParser.parse(body(ctx));
    return subjects.check(rule.appliesTo()).compose(v -> store.replace(id, rule)).compose(stored -> stored == null ? Future.failedFuture(
        LimitRequestException.notFound()) : directory.changed().map(stored.toJson()));
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    noQuery(ctx);
    return store.delete(id(ctx)).compose(existed -> existed ? directory.changed().map((JsonObject) null)
        : Future.failedFuture(LimitRequestException.notFound()));
  }

  private Future<JsonObject> status(RoutingContext ctx) {
    noQuery(ctx);
    return existing(ctx).compose(status::of);
  }

  private Future<LimitRule> existing(RoutingContext ctx) {
    return store.get(id(ctx)).compose(rule -> rule == null ? Future.failedFuture(LimitRequestException.notFound())
        : Future.succeededFuture(rule));
  }

  private static String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !ID.matcher(id).matches()) {
      throw LimitRequestException.notFound();
    }
    return id;
  }

  /** None of these calls takes a query parameter: one sent is a mistake worth saying. */
  private static void noQuery(RoutingContext ctx) {
    String query = ctx.request().query();
    if (query != null && !query.isEmpty()) {
      throw LimitRequestException.badField(null, "This call takes no query parameters");
    }
  }

  @SuppressWarnings("unchecked")
  private JsonObject body(RoutingContext ctx) {
    Buffer body = bodyOf.apply(ctx);
    if (body == null || body.length() == 0) {
      throw LimitRequestException.badField(null, "The body must be a JSON object");
    }
    if (body.length() > BODY_LIMIT) {
      throw new LimitRequestException(413, "The body is larger than " + BODY_LIMIT + " bytes", null);
    }
    Object parsed;
    try {
      // Malformed UTF-8 (overlong forms, encoded surrogate halves too) is a JsonProcessingException.
      parsed = JSON.readValue(body.getBytes(), Object.class);
    } catch (JsonProcessingException e) {
      throw LimitRequestException.badField(null, "The body must be a JSON object: " + e.getOriginalMessage());
    } catch (IOException | RuntimeException notJson) {
      throw LimitRequestException.badField(null, "The body must be a JSON object");
    }
    if (!(parsed instanceof Map<?, ?> object)) {
      throw LimitRequestException.badField(null, "The body must be a JSON object");
    }
    return new JsonObject((Map<String, Object>) object);
  }

  private static void respond(RoutingContext ctx, int status, Supplier<Future<JsonObject>> call) {
    AdminAnswers.respond(ctx, status, call, PlainJson::encode, LimitAdminRoutes::fail);
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    int status;
    String field = null;
    String message = failure.getMessage();
    if (failure instanceof LimitRequestException refused) {
      status = refused.status();
      field = refused.field();
    } else if (failure instanceof LimitRuleException refused) {
      status = 400;
      field = refused.field();
    } else if (failure instanceof LimitStore.NameTaken) {
      status = 409;
      field = "name";
    } else {
      // Store messages may quote SQL and values: the detail goes to the log only.
      LOG.error("Admin call {} {} failed", ctx.request().method(), ctx.request().path(), failure);
      status = 500;
      message = "Internal error; see the usage-service log";
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("error", new JsonObject().put("message", message).put("field", field)).encode());
  }
}
