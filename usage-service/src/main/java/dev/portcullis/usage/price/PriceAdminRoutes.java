package dev.portcullis.usage.price;

import dev.portcullis.common.price.ModelPrice;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.http.PercentEscapes;
import dev.portcullis.common.json.ClientJsonLimits;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.usage.admin.AdminAnswers;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's price calls, mounted on the admin router behind its token check:
 *
 * <ul>
 *   <li>{@code GET {base}/prices?provider=P&model=M}: the price that applies to the model now,
 *       whether an administrator's or the catalog's, with the catalog's package and version;
 *   <li>{@code PUT {base}/prices/P?model=M} with a {@link ModelPriceJson} body: sets the model's
 *       price, which wins over the catalog from the next record on (records already priced keep
 *       their cost);
 *   <li>{@code DELETE {base}/prices/P?model=M}: removes it (204, or 404 when there was none);
 *   <li>{@code GET {base}/price-overrides}: every price set.
 * </ul>
 *
 * <p>The model is a query parameter, not a path segment: model ids hold {@code /} and {@code :}
 * (OpenRouter's {@code openai/gpt-4o}, Bedrock's {@code ...-v1:0}), which a path would have to
 * encode and which path normalization could rewrite. It is kept as its key
 * ({@link PricingProviders#modelKey}: lowercased, a Bedrock ARN reduced to its id). Answers are
 * JSON; refusals are {@code {"error": {"message": ..., "field": ...}}} as the rest of the admin
 * API answers them.
 */
public final class PriceAdminRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(PriceAdminRoutes.class);
  /** A price is a few hundred bytes; sixteen tiers on every field stay far below this. */
  static final int BODY_LIMIT = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper(ClientJsonLimits.factory(BODY_LIMIT))
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** Printable ASCII without spaces: every real model id, and nothing that could mislead a log line. */
  private static final Pattern MODEL = Pattern.compile("[\\x21-\\x7E]+");

  private final PriceBook book;
  private final PriceOverrides overrides;
  private final Function<RoutingContext, Buffer> bodyOf;

  /**
   * @param bodyOf where the caller put the request body it read (the admin API reads it within its
   *               limit before routing); {@code ctx -> ctx.body().buffer()} behind vertx-web's
   *               BodyHandler
   */
  public PriceAdminRoutes(PriceBook book, PriceOverrides overrides, Function<RoutingContext, Buffer> bodyOf) {
    this.book = book;
    this.overrides = overrides;
    this.bodyOf = bodyOf;
  }

  /** Adds the routes under {@code base} (such as {@code /api/admin}); mount before any catch-all. */
  public void mount(Router router, String base) {
    router.get(base + "/prices").handler(ctx -> respond(ctx, 200, () -> show(ctx)));
    router.get(base + "/price-overrides").handler(ctx -> respond(ctx, 200, () -> list(ctx)));
    router.put(base + "/prices/:provider").handler(ctx -> respond(ctx, 200, () -> put(ctx)));
    router.delete(base + "/prices/:provider").handler(ctx -> respond(ctx, 204, () -> delete(ctx)));
    // The model in the path, as one might guess the call: say where it goes instead of a bare 404.
    router.route(base + "/prices/:provider/*").handler(ctx -> fail(ctx, PriceRequestException.badField("model",
        "Give the model as a query parameter: " + base + "/prices/{provider}?model={url-encoded model id}")));
  }

  private Future<JsonObject> show(RoutingContext ctx) {
    MultiMap query = query(ctx, Set.of("provider", "model"));
    String provider = provider(query.get("provider"));
    String model = model(provider, query.get("model"));
    return Future.succeededFuture(view(provider, model));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    query(ctx, Set.of());
    JsonArray data = new JsonArray();
    overrides.all().forEach(override -> data.add(new JsonObject()
        .put("provider", override.provider())
        .put("model", override.model())
        .put("price", ModelPriceJson.toJson(override.price()))
        .put("updatedAt", Instant.ofEpochMilli(override.updatedAtMillis()).toString())));
    return Future.succeededFuture(new JsonObject().put("catalog", catalogSource()).put("data", data));
  }

  private Future<JsonObject> put(RoutingContext ctx) {
    String provider = provider(ctx.pathParam("provider"));
    String model = model(provider, query(ctx, Set.of("model")).get("model"));
    ModelPrice price = ModelPriceJson.parse(body(ctx));
    return overrides.put(provider, model, price).map(stored -> view(provider, model));
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    String provider = provider(ctx.pathParam("provider"));
    String model = model(provider, query(ctx, Set.of("model")).get("model"));
    return overrides.delete(provider, model).compose(existed -> existed ? Future.succeededFuture()
        : Future.failedFuture(new PriceRequestException(404, "No price is set for " + provider + " model " + model,
            null)));
  }

  /** The price that applies to a model now: the override and the catalog's, side by side. */
  private JsonObject view(String provider, String model) {
    PriceBook.Effective effective = book.effective(provider, model, Instant.now());
    if (effective.price() == null) {
      String why = effective.catalogModel() == null
          ? "the catalog (" + catalogName() + ") has no such model"
          : "the catalog (" + catalogName() + ") prices it by something other than tokens";
      throw new PriceRequestException(404, "No price is known for " + provider + " model " + model + ": " + why
          + "; set one with PUT /prices/" + provider + "?model=...", null);
    }
    PriceOverride override = effective.override();
    JsonObject catalog = catalogSource()
        .put("provider", effective.catalogModel() == null ? null : effective.catalogModel().providerId())
        .put("model", effective.catalogModel() == null ? null : effective.catalogModel().id())
        .put("price", effective.catalogPrice() == null ? null : ModelPriceJson.toJson(effective.catalogPrice()));
    return new JsonObject()
        .put("provider", provider)
        .put("model", model)
        .put("source", override != null ? Priced.Source.OVERRIDE.wire() : Priced.Source.CATALOG.wire())
        .put("price", ModelPriceJson.toJson(effective.price()))
        .put("override", override == null ? null : new JsonObject()
            .put("price", ModelPriceJson.toJson(override.price()))
            .put("updatedAt", Instant.ofEpochMilli(override.updatedAtMillis()).toString()))
        .put("catalog", catalog);
  }

  private JsonObject catalogSource() {
    return new JsonObject().put("package", book.catalog().packageName()).put("version", book.catalog().version());
  }

  private String catalogName() {
    return book.catalog().packageName() + " " + book.catalog().version();
  }

  private static String provider(String provider) {
    if (provider == null || provider.isEmpty()) {
      throw PriceRequestException.badField("provider", "provider is required");
    }
    if (!Providers.known(provider)) {
      throw PriceRequestException.badField("provider", "Unknown provider; the providers are "
          + String.join(", ", Providers.sortedNames()));
    }
    return provider;
  }

  private static String model(String provider, String model) {
    if (model == null || model.isEmpty()) {
      throw PriceRequestException.badField("model", "model is required (a query parameter)");
    }
    if (model.length() > PricingProviders.MAX_MODEL_LENGTH || !MODEL.matcher(model).matches()) {
      throw PriceRequestException.badField("model", "model must be 1 to " + PricingProviders.MAX_MODEL_LENGTH
          + " printable ASCII characters without spaces");
    }
    String key = PricingProviders.modelKey(provider, model);
    if (key == null) {
      throw PriceRequestException.badField("model", "model names no model id");
    }
    return key;
  }

  /** The query's parameters, each at most once and none but those allowed. */
  private static MultiMap query(RoutingContext ctx, Set<String> allowed) {
    MultiMap params;
    try {
      if (!PercentEscapes.wellFormed(ctx.request().uri())) {
        throw new IllegalArgumentException("malformed percent escape");
      }
      params = ctx.queryParams();
    } catch (RuntimeException malformed) {
      throw PriceRequestException.badField(null, "The request path or query has a malformed percent escape");
    }
    for (String name : params.names()) {
      if (!allowed.contains(name)) {
        throw PriceRequestException.badField(echoable(name), "Unknown query parameter"
            + (allowed.isEmpty() ? "; this call takes none" : "; the parameters are " + String.join(", ",
                allowed.stream().sorted().toList())));
      }
      if (params.getAll(name).size() > 1) {
        throw PriceRequestException.badField(name, name + " must be given once");
      }
    }
    return params;
  }

  private JsonNode body(RoutingContext ctx) {
    Buffer body = bodyOf.apply(ctx);
    if (body == null || body.length() == 0) {
      throw PriceRequestException.badField(null, "The body must be a JSON object");
    }
    if (body.length() > BODY_LIMIT) {
      throw new PriceRequestException(413, "The body is larger than " + BODY_LIMIT + " bytes", null);
    }
    try {
      return JSON.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      throw PriceRequestException.badField(null, "The body must be a JSON object: " + e.getOriginalMessage());
    } catch (IOException | RuntimeException notJson) {
      throw PriceRequestException.badField(null, "The body must be a JSON object");
    }
  }

  private static String echoable(String name) {
    return name.length() <= ModelPriceJson.MAX_ECHOED_NAME ? name : null;
  }

  private static void respond(RoutingContext ctx, int status, Supplier<Future<JsonObject>> call) {
    AdminAnswers.respond(ctx, status, call, JsonObject::encode, PriceAdminRoutes::fail);
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    int status;
    String field = null;
    String message;
    if (failure instanceof PriceRequestException refused) {
      status = refused.status();
      field = refused.field();
      message = refused.getMessage();
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
