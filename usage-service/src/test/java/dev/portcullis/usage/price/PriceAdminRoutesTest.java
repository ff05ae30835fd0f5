package dev.portcullis.usage.price;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The price calls on a real HTTP server, mounted as the admin API would mount them (the body read
 * before routing; here by vertx-web's BodyHandler), called with raw request targets.
 */
class PriceAdminRoutesTest {

  private static final String BASE = "/api/admin";
  private static final PriceCatalog CATALOG = CatalogReader.bundled();

  @TempDir
  Path dir;

  private Vertx vertx;
  private Database db;
  private PriceOverrides overrides;
  private HttpServer server;
  private HttpClient client;

  record Answer(int status, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    db = Database.embedded(vertx, dir, "usage");
    overrides = PriceOverrides.open(vertx, db).await();
    PriceBook book = new PriceBook(CATALOG, overrides, null);
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    new PriceAdminRoutes(book, overrides, ctx -> ctx.body().buffer()).mount(router, BASE);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    client.close().await();
    server.close().await();
    overrides.close().await();
    db.close().await();
    vertx.close().await();
  }

  private Answer call(HttpMethod method, String target, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(server.actualPort())
        .setURI(target);
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.putHeader("Content-Type", "application/json")
            .send(Buffer.buffer(body)))
        .compose(response -> response.body().map(bytes -> answer(response, bytes)))
        .await();
  }

  private static Answer answer(HttpClientResponse response, Buffer bytes) {
    return new Answer(response.statusCode(), response.getHeader("Content-Type"), bytes.toString());
  }

  private Answer get(String target) {
    return call(HttpMethod.GET, target, null);
  }

  private Answer put(String provider, String model, String body) {
    return call(HttpMethod.PUT, BASE + "/prices/" + provider + "?model=" + encode(model), body);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private void assertRefused(Answer answer, int status, String field) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(answer.error().getString("message")).isNotBlank();
    assertThat(answer.error().getString("field")).isEqualTo(field);
  }

  @Test
  void theCatalogPriceIsShownWithTheCatalogsVersion() {
    Answer answer = get(BASE + "/prices?provider=openai&model=gpt-4o");
    assertThat(answer.status()).isEqualTo(200);
    JsonObject json = answer.json();
    assertThat(json.getString("source")).isEqualTo("catalog");
    assertThat(json.getString("model")).isEqualTo("gpt-4o");
    assertThat(json.getJsonObject("price").getValue("inputPerMillion")).isEqualTo(2.5);
    assertThat(json.getJsonObject("price").getValue("cachedInputPerMillion")).isEqualTo(1.25);
    assertThat(json.getJsonObject("price").getValue("outputPerMillion")).isEqualTo(10);
    assertThat(json.getValue("override")).isNull();
    assertThat(json.getJsonObject("catalog").getString("package")).isEqualTo("@pydantic/genai-prices");
    assertThat(json.getJsonObject("catalog").getString("version")).isEqualTo("0.1.8");
    // An Azure deployment named gpt-4o is priced as OpenAI's, and says so.
    JsonObject azure = get(BASE + "/prices?provider=azure&model=gpt-4o").json();
    assertThat(azure.getJsonObject("catalog").getString("provider")).isEqualTo("openai");
    // Gemini's tiers are shown as tiers.
    JsonObject gemini = get(BASE + "/prices?provider=gemini&model=gemini-2.5-pro").json();
    assertThat(gemini.getJsonObject("price").getJsonObject("inputPerMillion").encode())
        .isEqualTo("{\"base\":1.25,\"tiers\":[{\"start\":200000,\"price\":2.5}]}");
  }

  @Test
  void anOverrideIsSetShownListedAndRemoved() {
    Answer set = put("openai", "gpt-4o", "{\"inputPerMillion\": 1, \"outputPerMillion\": 2.50,"
        + " \"cachedInputPerMillion\": 0.5, \"cacheWritePerMillion\": null}");
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().getString("source")).isEqualTo("override");
    assertThat(set.json().getJsonObject("price").encode()).isEqualTo("{\"inputPerMillion\":1,\"outputPerMillion\":2.5,"
        + "\"cachedInputPerMillion\":0.5,\"cacheWritePerMillion\":null,\"reasoningPerMillion\":null,"
        + "\"perThousandRequests\":null}");
    assertThat(set.json().getJsonObject("override").getString("updatedAt")).isNotBlank();
    // The catalog's price stays in view beside it.
    assertThat(set.json().getJsonObject("catalog").getJsonObject("price").getValue("inputPerMillion")).isEqualTo(2.5);

    assertThat(get(BASE + "/prices?provider=openai&model=GPT-4o").json().getString("source")).isEqualTo("override");
    JsonObject list = get(BASE + "/price-overrides").json();
    assertThat(list.getJsonArray("data")).hasSize(1);
    assertThat(list.getJsonArray("data").getJsonObject(0).getString("model")).isEqualTo("gpt-4o");

    assertThat(call(HttpMethod.DELETE, BASE + "/prices/openai?model=gpt-4o", null).status()).isEqualTo(204);
    assertThat(get(BASE + "/prices?provider=openai&model=gpt-4o").json().getString("source")).isEqualTo("catalog");
    assertRefused(call(HttpMethod.DELETE, BASE + "/prices/openai?model=gpt-4o", null), 404, null);
  }

  @Test
  void modelsWithSlashesAndColonsTravelInTheQuery() {
    String arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0";
    Answer bedrock = put("bedrock", arn, "{\"inputPerMillion\": 0.7, \"outputPerMillion\": 3}");
    assertThat(bedrock.status()).as(bedrock.body()).isEqualTo(200);
    assertThat(bedrock.json().getString("model")).isEqualTo("amazon.nova-pro-v1:0");
    assertThat(overrides.find("bedrock", "amazon.nova-pro-v1:0")).isNotNull();

    Answer router = put("openrouter", "openai/gpt-4o", "{\"inputPerMillion\": 2, \"outputPerMillion\": 8}");
    assertThat(router.status()).isEqualTo(200);
    assertThat(overrides.find("openrouter", "openai/gpt-4o")).isNotNull();

    // The model in the path instead: told where it goes.
    assertRefused(call(HttpMethod.PUT, BASE + "/prices/openrouter/openai/gpt-4o",
        "{\"inputPerMillion\": 2, \"outputPerMillion\": 8}"), 400, "model");
  }

  @Test
  void tieredPricesAreAccepted() {
    Answer answer = put("gemini", "my-model", "{\"inputPerMillion\": {\"base\": 1, \"tiers\": [{\"start\": 200000,"
        + " \"price\": 2}, {\"start\": 1000000, \"price\": 3}]}, \"outputPerMillion\": 4}");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(overrides.find("gemini", "my-model").price().inputPerMillion().at(200_001)).isEqualByComparingTo("2");
  }

  @Test
  void badPricesAreRefusedNamingTheField() {
    String ok = "\"outputPerMillion\": 1";
    assertRefused(put("openai", "m", "{\"inputPerMillion\": -1, " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": -0.0000001, " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": 1e400, " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": 1000001, " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": 1e-30, " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": 1e-999999999, " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": \"1\", " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": \"NaN\", " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": true, " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": [1], " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": null, " + ok + "}"), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": 1}"), 400, "outputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": 1, " + ok + ", \"perThousandRequests\": -3}"), 400,
        "perThousandRequests");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": 1, " + ok + ", \"currency\": \"EUR\"}"), 400, "currency");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": 1, " + ok + ", \"" + "x".repeat(500) + "\": 1}"), 400,
        null);
    assertThat(overrides.all()).isEmpty();
  }

  @Test
  void badTiersAreRefused() {
    String ok = ", \"outputPerMillion\": 1}";
    assertRefused(put("openai", "m", "{\"inputPerMillion\": {\"base\": 1, \"tiers\": []}" + ok), 400,
        "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": {\"base\": 1, \"tiers\": [{\"start\": 10, \"price\": 2},"
        + " {\"start\": 5, \"price\": 3}]}" + ok), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": {\"base\": 1, \"tiers\": [{\"start\": 0, \"price\": 2}]}"
        + ok), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": {\"base\": 1, \"tiers\": [{\"start\": 1.5, \"price\": 2}]}"
        + ok), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": {\"base\": 1, \"tiers\": [{\"start\": 9e99, \"price\": 2}]}"
        + ok), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": {\"base\": 1, \"tiers\": [{\"start\": 5, \"price\": 2,"
        + " \"until\": 9}]}" + ok), 400, "inputPerMillion");
    assertRefused(put("openai", "m", "{\"inputPerMillion\": {\"tiers\": [{\"start\": 5, \"price\": 2}]}" + ok), 400,
        "inputPerMillion");
    StringBuilder many = new StringBuilder("{\"inputPerMillion\": {\"base\": 1, \"tiers\": [");
    for (int i = 1; i <= 17; i++) {
      many.append(i > 1 ? "," : "").append("{\"start\": ").append(i * 1000).append(", \"price\": 1}");
    }
    assertRefused(put("openai", "m", many + "]}" + ok), 400, "inputPerMillion");
    assertThat(overrides.all()).isEmpty();
  }

  @Test
  void junkBodiesAreRefused() {
    for (String junk : new String[] {"", "{", "[]", "42", "\"text\"", "null", "{\"inputPerMillion\": NaN,"
        + " \"outputPerMillion\": 1}", "{\"inputPerMillion\": Infinity, \"outputPerMillion\": 1}",
        "{\"inputPerMillion\": 1, \"outputPerMillion\": 1} trailing", "{\"inputPerMillion\": 1, \"inputPerMillion\": 2,"
        + " \"outputPerMillion\": 1}", "{'inputPerMillion': 1}", "[".repeat(500) + "]".repeat(500)}) {
      assertRefused(put("openai", "m", junk), 400, null);
    }
    // Within the caller's body limit but over ours.
    assertRefused(put("openai", "m", "{\"inputPerMillion\": 1, \"outputPerMillion\": 1, \"pad\": \""
        + "x".repeat(PriceAdminRoutes.BODY_LIMIT) + "\"}"), 413, null);
    assertThat(overrides.all()).isEmpty();
  }

  @Test
  void providersMustBePortcullisProviders() {
    String body = "{\"inputPerMillion\": 1, \"outputPerMillion\": 1}";
    assertRefused(put("not-a-provider", "m", body), 400, "provider");
    assertRefused(put("OpenAI", "m", body), 400, "provider");
    assertRefused(call(HttpMethod.PUT, BASE + "/prices/..%2Fopenai?model=m", body), 400, "provider");
    assertRefused(call(HttpMethod.PUT, BASE + "/prices/%00?model=m", body), 400, "provider");
    assertRefused(get(BASE + "/prices?provider=nope&model=gpt-4o"), 400, "provider");
    assertRefused(get(BASE + "/prices?model=gpt-4o"), 400, "provider");
    assertThat(overrides.all()).isEmpty();
  }

  @Test
  void modelNamesAreCheckedAndNeverMoreThanAKey() {
    String body = "{\"inputPerMillion\": 1, \"outputPerMillion\": 1}";
    assertRefused(put("openai", "", body), 400, "model");
    assertRefused(put("openai", "gpt 4o", body), 400, "model");
    assertRefused(put("openai", "gpt-4o\nX-Injected: 1", body), 400, "model");
    assertRefused(put("openai", "gpt-4o\u0000", body), 400, "model");
    assertRefused(put("openai", "gpt-4\u00f6", body), 400, "model");
    assertRefused(put("openai", "m".repeat(PricingProviders.MAX_MODEL_LENGTH + 1), body), 400, "model");
    assertRefused(call(HttpMethod.PUT, BASE + "/prices/openai", body), 400, "model");
    assertRefused(call(HttpMethod.PUT, BASE + "/prices/openai?model=a&model=b", body), 400, "model");
    assertRefused(call(HttpMethod.PUT, BASE + "/prices/openai?model=a&provider=anthropic", body), 400, "provider");
    // vertx-web itself refuses a malformed escape before any route (the admin API answers those
    // in JSON before routing); either way nothing is stored.
    assertThat(call(HttpMethod.PUT, BASE + "/prices/openai?model=%zz", body).status()).isEqualTo(400);
    assertThat(call(HttpMethod.PUT, BASE + "/prices/openai?model=%", body).status()).isEqualTo(400);
    assertRefused(get(BASE + "/price-overrides?x=1"), 400, "x");
    assertThat(overrides.all()).isEmpty();

    // A path-like model id is only ever a key: stored and shown as written, reaching nothing else.
    Answer traversal = put("openai", "../../etc/passwd", body);
    assertThat(traversal.status()).isEqualTo(200);
    assertThat(traversal.json().getString("model")).isEqualTo("../../etc/passwd");
    assertThat(overrides.all()).extracting(PriceOverride::model).containsExactly("../../etc/passwd");
    assertThat(get(BASE + "/prices?provider=openai&model=gpt-4o").json().getString("source")).isEqualTo("catalog");
  }

  @Test
  void unknownModelsAreNotFound() {
    Answer unknown = get(BASE + "/prices?provider=openai&model=no-such-model");
    assertRefused(unknown, 404, null);
    assertThat(unknown.error().getString("message")).contains("@pydantic/genai-prices 0.1.8");
    assertRefused(get(BASE + "/prices?provider=vllm&model=llama"), 404, null);
    assertRefused(get(BASE + "/prices?provider=openai"), 400, "model");
  }
}
