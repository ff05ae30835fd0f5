package dev.portcullis.usage.price;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The price calls on a real HTTP server, mounted as the admin API would mount them (the body read
 * before routing; here by vertx-web's BodyHandler), called as an operator's script would call
 * them, and with raw request lines where a URI library would refuse the target.
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
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
  }

  @AfterEach
  void stop() {
    server.close().await();
    overrides.close().await();
    db.close().await();
    vertx.close().await();
  }

  private Answer call(String method, String target, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + target))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
          response.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(method + " " + target + " failed", e);
    }
  }

  /** A request line as written, for targets java.net.URI refuses (malformed percent escapes). */
  private Answer raw(String requestLine) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.substring(9, 12));
      String contentType = answer.lines().filter(line -> line.regionMatches(true, 0, "Content-Type:", 0, 13))
          .map(line -> line.substring(13).trim()).findFirst().orElse(null);
      return new Answer(status, contentType, answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }
  }

  private Answer get(String target) {
    return call("GET", target, null);
  }

  private Answer put(String provider, String model, String body) {
    return call("PUT", BASE + "/prices/" + provider + "?model=" + encode(model), body);
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

    assertThat(call("DELETE", BASE + "/prices/openai?model=gpt-4o", null).status()).isEqualTo(204);
    assertThat(get(BASE + "/prices?provider=openai&model=gpt-4o").json().getString("source")).isEqualTo("catalog");
    assertRefused(call("DELETE", BASE + "/prices/openai?model=gpt-4o", null), 404, null);
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
    assertRefused(call("PUT", BASE + "/prices/openrouter/openai/gpt-4o",
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
    assertRefused(call("PUT", BASE + "/prices/..%2Fopenai?model=m", body), 400, "provider");
    assertRefused(call("PUT", BASE + "/prices/%00?model=m", body), 400, "provider");
    assertRefused(get(BASE + "/prices?provider=nope&model=gpt-4o"), 400, "provider");
    assertRefused(get(BASE + "/prices?model=gpt-4o"), 400, "provider");
    assertThat(overrides.all()).isEmpty();
  }

  @Test
  void modelNamesAreCheckedAndNeverMoreThanAKey() throws IOException {
    String body = "{\"inputPerMillion\": 1, \"outputPerMillion\": 1}";
    assertRefused(put("openai", "", body), 400, "model");
    assertRefused(put("openai", "gpt 4o", body), 400, "model");
    assertRefused(put("openai", "gpt-4o\nX-Injected: 1", body), 400, "model");
    assertRefused(put("openai", "gpt-4o\u0000", body), 400, "model");
    assertRefused(put("openai", "gpt-4\u00f6", body), 400, "model");
    assertRefused(put("openai", "m".repeat(PricingProviders.MAX_MODEL_LENGTH + 1), body), 400, "model");
    assertRefused(call("PUT", BASE + "/prices/openai", body), 400, "model");
    assertRefused(call("PUT", BASE + "/prices/openai?model=a&model=b", body), 400, "model");
    assertRefused(call("PUT", BASE + "/prices/openai?model=a&provider=anthropic", body), 400, "provider");
    // Malformed escapes: where vertx-web decodes them first (a route with a path parameter) it
    // refuses them itself, as the admin API does before routing; elsewhere these routes do.
    assertThat(raw("PUT " + BASE + "/prices/openai?model=%zz HTTP/1.1").status()).isEqualTo(400);
    assertRefused(raw("GET " + BASE + "/prices?provider=openai&model=%zz HTTP/1.1"), 400, null);
    assertRefused(raw("GET " + BASE + "/prices?provider=openai&model=% HTTP/1.1"), 400, null);
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
