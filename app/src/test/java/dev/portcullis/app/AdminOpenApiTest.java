package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.auth.AuthVerticle;
import dev.portcullis.auth.admin.OpenApiDocument;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/admin/openapi.json} is a valid OpenAPI 3.1 document that describes every admin
 * call the running admin router answers and no call it does not, and the answers of real calls
 * fit the schemas it gives them: adding a route without describing it, or changing an answer's
 * shape without its description, fails here.
 */
class AdminOpenApiTest {

  private static final String BASE = "/api/admin";
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static AdminClient admin;
  private static JsonObject document;
  private static SchemaCheck schemas;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai/v1")));
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    HttpResponse<String> answer = admin.send("GET", BASE + "/openapi.json", null);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    document = new JsonObject(answer.body());
    schemas = new SchemaCheck(document);
  }

  @AfterAll
  static void stop() {
    if (portcullis != null) {
      portcullis.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (upstreamVertx != null) {
      upstreamVertx.close().await();
    }
  }

  @Test
  void theDocumentIsAValidOpenApi31Document() {
    HttpResponse<String> answer = admin.send("GET", BASE + "/openapi.json", null);
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(answer.body(), null, options);
    assertThat(parsed.getMessages()).as("parser messages").isEmpty();
    assertThat(parsed.getOpenAPI()).isNotNull();
    assertThat(parsed.isOpenapi31()).isTrue();
    assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");
  }

  @Test
  void theDocumentNeedsTheAdminTokenLikeEveryAdminCall() {
    HttpResponse<String> answer = new AdminClient(portcullis.adminUrl(), null).send("GET", BASE + "/openapi.json", null);
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(schemas.problems(new JsonObject(answer.body()), schemas.resolve("#/components/schemas/Error"))).isEmpty();
    answer = new AdminClient(portcullis.adminUrl(), "not-the-token").send("GET", BASE + "/openapi.json", null);
    assertThat(answer.statusCode()).isEqualTo(401);
  }

  @Test
  void everyRouteOfTheAdminRouterIsDescribed() {
    Set<String> routes = OpenApiDocument.operations(adminRouter());
    // The router's own calls, the usage ledger's (usage, limits, prices, audit) and this document.
    assertThat(routes).contains("GET /api/admin/openapi.json", "POST /api/admin/provider-keys",
        "GET /api/admin/usage", "PUT /api/admin/limits/{id}", "PUT /api/admin/prices/{provider}",
        "GET /api/admin/audit/verify");
    assertThat(documented(false)).as("operations the document describes")
        .containsAll(routes);
  }

  @Test
  void everyDescribedOperationIsARoute() {
    Set<String> routes = OpenApiDocument.operations(adminRouter());
    Set<String> described = documented(false);
    Set<String> mountedByConsole = documented(true);
    Set<String> missing = new TreeSet<>(described);
    missing.removeAll(routes);
    // The console's calls are mounted by the console: until they are, they are not held against the document.
    missing.removeAll(mountedByConsole);
    assertThat(missing).as("operations described that no route answers").isEmpty();
    assertThat(mountedByConsole).as("the console's calls are marked as such")
        .contains("POST /console/session", "GET /console/session", "DELETE /console/session", "GET /api/admin/docs");
  }

  @Test
  void answersFitTheirSchemas() {
    // Provider keys.
    JsonObject key = expect(201, "POST", "/api/admin/provider-keys", "/api/admin/provider-keys", new JsonObject()
        .put("provider", "openai").put("name", "openapi-key").put("apiKey", "sk-test-0123456789abcdef")
        .put("baseUrl", "https://api.openai.com/v1").put("extraHeaders", new JsonObject().put("OpenAI-Project", "p")));
    String keyId = key.getString("id");
    JsonObject anthropic = expect(201, "POST", "/api/admin/provider-keys", "/api/admin/provider-keys",
        new JsonObject().put("provider", "anthropic").put("name", "openapi-anthropic").put("apiKey", "sk-ant-test"));
    expect(409, "POST", "/api/admin/provider-keys", "/api/admin/provider-keys", new JsonObject()
        .put("provider", "openai").put("name", "openapi-key").put("apiKey", "sk-test-other"));
    expect(400, "POST", "/api/admin/provider-keys", "/api/admin/provider-keys",
        new JsonObject().put("provider", "no-such-provider").put("name", "x"));
    expect(200, "GET", "/api/admin/provider-keys", "/api/admin/provider-keys", null);

    // LLM proxies, their policies and fallbacks.
    JsonObject proxy = expect(201, "POST", "/api/admin/llm-proxies", "/api/admin/llm-proxies", new JsonObject()
        .put("name", "openapi-proxy").put("auditBodies", "full")
        .put("fallbacks", new JsonObject().put("openai:gpt-4o", new JsonArray().add("anthropic:claude-sonnet-4-5"))));
    String proxyId = proxy.getString("id");
    String proxyPath = "/api/admin/llm-proxies/" + proxyId;
    expect(409, "POST", "/api/admin/llm-proxies", "/api/admin/llm-proxies", new JsonObject().put("name", "openapi-proxy"));
    expect(200, "GET", "/api/admin/llm-proxies", "/api/admin/llm-proxies", null);
    expect(200, "PATCH", "/api/admin/llm-proxies/{id}", proxyPath, new JsonObject().put("auditBodies", "metadata"));
    expect(400, "PATCH", "/api/admin/llm-proxies/{id}", proxyPath, new JsonObject().put("auditBodies", "everything"));
    expect(404, "PATCH", "/api/admin/llm-proxies/{id}", "/api/admin/llm-proxies/no-such-proxy",
        new JsonObject().put("auditBodies", "full"));
    expect(200, "GET", "/api/admin/llm-proxies/{id}/policies", proxyPath + "/policies", null);
    JsonObject policies = new JsonObject()
        .put("toolInvocation", new JsonArray().add(new JsonObject().put("id", "no-mail").put("tool", "send_*")
            .put("action", "block_when_context_untrusted")))
        .put("trustedData", new JsonObject().put("default", "untrusted").put("rules", new JsonArray()
            .add(new JsonObject().put("tool", "read_docs").put("trust", "trusted"))))
        .put("sensitiveData", new JsonArray().add(new JsonObject().put("detector", "email").put("action", "redact")
            .put("direction", "both")));
    expect(200, "PUT", "/api/admin/llm-proxies/{id}/policies", proxyPath + "/policies", policies);
    expect(200, "POST", "/api/admin/llm-proxies/{id}/policies/evaluate", proxyPath + "/policies/evaluate",
        new JsonObject().put("api", "openai-chat").put("request", new JsonObject().put("model", "gpt-4o")
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                .put("content", "write to jane@example.com")))));
    expect(200, "POST", "/api/admin/llm-proxies/{id}/policies/evaluate", proxyPath + "/policies/evaluate",
        new JsonObject().put("api", "openai-chat").put("contextUntrusted", true).put("answer", new JsonObject()
            .put("id", "chatcmpl-1").put("object", "chat.completion").put("choices", new JsonArray()
                .add(new JsonObject().put("index", 0).put("finish_reason", "tool_calls").put("message", new JsonObject()
                    .put("role", "assistant").put("content", (String) null).put("tool_calls", new JsonArray()
                        .add(new JsonObject().put("id", "call_1").put("type", "function").put("function",
                            new JsonObject().put("name", "send_mail").put("arguments", "{\"to\":\"x\"}")))))))));
    expect(400, "POST", "/api/admin/llm-proxies/{id}/policies/evaluate", proxyPath + "/policies/evaluate",
        new JsonObject().put("api", "openai-chat"));
    expect(200, "GET", "/api/admin/llm-proxies/{id}/fallbacks", proxyPath + "/fallbacks", null);
    expect(200, "PUT", "/api/admin/llm-proxies/{id}/fallbacks", proxyPath + "/fallbacks",
        new JsonObject().put("openai:gpt-4o-mini", new JsonArray().add("anthropic:claude-haiku-4-5").add("groq:llama")));
    expect(204, "DELETE", "/api/admin/llm-proxies/{id}/fallbacks", proxyPath + "/fallbacks", null);

    // Virtual keys and OAuth clients.
    JsonObject virtualKey = expect(201, "POST", "/api/admin/virtual-keys", "/api/admin/virtual-keys", new JsonObject()
        .put("name", "openapi-vk").put("providerKeys", new JsonArray()
            .add(new JsonObject().put("id", keyId).put("weight", 3))
            .add(new JsonObject().put("id", anthropic.getString("id"))))
        .put("llmProxyIds", new JsonArray().add(proxyId)).put("expiresAt", "2999-01-01T00:00:00Z"));
    expect(400, "POST", "/api/admin/virtual-keys", "/api/admin/virtual-keys", new JsonObject().put("name", "vk")
        .put("providerKeyIds", new JsonArray().add(keyId)).put("providerKeys", new JsonArray()));
    expect(200, "GET", "/api/admin/virtual-keys", "/api/admin/virtual-keys", null);
    JsonObject client = expect(201, "POST", "/api/admin/oauth-clients", "/api/admin/oauth-clients", new JsonObject()
        .put("name", "openapi-client").put("providerKeyIds", new JsonArray().add(keyId))
        .put("allowedLlmProxyIds", new JsonArray().add(proxyId)));
    expect(200, "GET", "/api/admin/oauth-clients", "/api/admin/oauth-clients", null);
    // Still listed by the virtual key and the client.
    expect(409, "DELETE", "/api/admin/llm-proxies/{id}", proxyPath, null);

    // Signing keys.
    expect(200, "GET", "/api/admin/signing-keys", "/api/admin/signing-keys", null);
    expect(201, "POST", "/api/admin/signing-keys/rotate", "/api/admin/signing-keys/rotate", null);

    // Limits.
    JsonObject limit = expect(201, "POST", "/api/admin/limits", "/api/admin/limits", new JsonObject()
        .put("name", "openapi-limit").put("appliesTo", new JsonObject().put("virtualKeyId", virtualKey.getString("id")))
        .put("models", new JsonArray().add("openai:gpt-4o*")).put("requestsPerMinute", 60)
        .put("spendUsd", new JsonObject().put("amount", 12.5).put("window", "month")).put("mode", "soft"));
    String limitPath = "/api/admin/limits/" + limit.getString("id");
    expect(409, "POST", "/api/admin/limits", "/api/admin/limits", new JsonObject().put("name", "openapi-limit")
        .put("appliesTo", new JsonObject().put("organization", true)).put("concurrentStreams", 5));
    expect(400, "POST", "/api/admin/limits", "/api/admin/limits", new JsonObject().put("name", "no-limit")
        .put("appliesTo", new JsonObject().put("organization", true)));
    expect(200, "GET", "/api/admin/limits", "/api/admin/limits", null);
    expect(200, "GET", "/api/admin/limits/{id}", limitPath, null);
    expect(200, "PUT", "/api/admin/limits/{id}", limitPath, new JsonObject().put("name", "openapi-limit")
        .put("appliesTo", new JsonObject().put("organization", true)).put("tokensPerMinute", 100000)
        .put("concurrentStreams", 4).put("spendUsd", new JsonObject().put("amount", 3).put("window", "day")));
    expect(200, "GET", "/api/admin/limits/{id}/status", limitPath + "/status", null);
    expect(404, "GET", "/api/admin/limits/{id}", "/api/admin/limits/lim_000000000000000000000000", null);
    expect(204, "DELETE", "/api/admin/limits/{id}", limitPath, null);

    // Prices.
    String model = "?model=" + URLEncoder.encode("gpt-4o", StandardCharsets.UTF_8);
    expect(200, "PUT", "/api/admin/prices/{provider}", "/api/admin/prices/openai" + model, new JsonObject()
        .put("inputPerMillion", 2.5).put("outputPerMillion", new JsonObject().put("base", 10)
            .put("tiers", new JsonArray().add(new JsonObject().put("start", 200000).put("price", 20))))
        .put("perThousandRequests", 0.5));
    expect(200, "GET", "/api/admin/prices", "/api/admin/prices?provider=openai&model=gpt-4o", null);
    expect(200, "GET", "/api/admin/price-overrides", "/api/admin/price-overrides", null);
    expect(400, "GET", "/api/admin/prices", "/api/admin/prices?provider=openai", null);
    expect(204, "DELETE", "/api/admin/prices/{provider}", "/api/admin/prices/openai" + model, null);
    expect(404, "DELETE", "/api/admin/prices/{provider}", "/api/admin/prices/openai" + model, null);

    // Usage.
    expect(200, "GET", "/api/admin/usage", "/api/admin/usage", null);
    expect(200, "GET", "/api/admin/usage", "/api/admin/usage?by=model&from=2026-01-01&provider=openai", null);
    expect(400, "GET", "/api/admin/usage", "/api/admin/usage?by=week", null);
    HttpResponse<String> export = expectRaw(200, "GET", "/api/admin/usage/export",
        "/api/admin/usage/export?format=jsonl");
    assertThat(export.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    expectRaw(200, "GET", "/api/admin/usage/export", "/api/admin/usage/export?format=csv");
    expect(400, "GET", "/api/admin/usage/export", "/api/admin/usage/export", null);

    // Audit.
    expect(200, "GET", "/api/admin/audit/verify", "/api/admin/audit/verify", null);
    expect(200, "GET", "/api/admin/audit/records", "/api/admin/audit/records?requestId=no-such-request", null);
    expect(400, "GET", "/api/admin/audit/records", "/api/admin/audit/records", null);
    HttpResponse<String> audit = expectRaw(200, "GET", "/api/admin/audit/export", "/api/admin/audit/export");
    JsonObject lineSchema = new JsonObject().put("$ref", "#/components/schemas/AuditExportLine");
    for (String line : audit.body().split("\n")) {
      assertThat(schemas.problems(new JsonObject(line), lineSchema)).as(line).isEmpty();
    }

    // Deletes, and what an unknown id answers.
    expect(204, "DELETE", "/api/admin/oauth-clients/{id}", "/api/admin/oauth-clients/" + client.getString("id"), null);
    expect(204, "DELETE", "/api/admin/virtual-keys/{id}", "/api/admin/virtual-keys/" + virtualKey.getString("id"), null);
    expect(404, "DELETE", "/api/admin/virtual-keys/{id}", "/api/admin/virtual-keys/" + virtualKey.getString("id"), null);
    expect(204, "DELETE", "/api/admin/llm-proxies/{id}", proxyPath, null);
    expect(204, "DELETE", "/api/admin/provider-keys/{id}", "/api/admin/provider-keys/" + keyId, null);
    expect(404, "DELETE", "/api/admin/provider-keys/{id}", "/api/admin/provider-keys/" + keyId, null);
  }

  @Test
  void recordsOfARealCallFitTheirSchemas() throws Exception {
    String proxyId = admin.create("llm-proxies", new JsonObject().put("name", "openapi-audited")
        .put("auditBodies", "full")).getString("id");
    upstream.on("POST", "/openai/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o-mini", "the answer", 8, 2)));
    HttpResponse<String> call = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create(portcullis.providerUrl("openai") + "/" + proxyId + "/chat/completions"))
            .header("Authorization", "Bearer sk-openapi-test-0123456789").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    String requestId = call.headers().firstValue("x-portcullis-request-id").orElseThrow();

    // The audit row, once the ledger has written it.
    String recordsPath = "/api/admin/audit/records?requestId=" + URLEncoder.encode(requestId, StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + 20_000_000_000L;
    JsonObject rows = expect(200, "GET", "/api/admin/audit/records", recordsPath, null);
    while (rows.getJsonArray("data").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      rows = expect(200, "GET", "/api/admin/audit/records", recordsPath, null);
    }
    assertThat(rows.getJsonArray("data")).as("the call's audit row").hasSize(1);

    // Its usage record, in both export formats, and the report grouped every way.
    HttpResponse<String> export = expectRaw(200, "GET", "/api/admin/usage/export",
        "/api/admin/usage/export?format=jsonl&llmProxyId=" + proxyId);
    List<String> lines = export.body().lines().filter(line -> !line.isBlank()).toList();
    assertThat(lines).hasSize(1);
    JsonObject recordSchema = new JsonObject().put("$ref", "#/components/schemas/UsageExportRecord");
    assertThat(schemas.problems(new JsonObject(lines.get(0)), recordSchema)).as(lines.get(0)).isEmpty();
    String csv = expectRaw(200, "GET", "/api/admin/usage/export", "/api/admin/usage/export?format=csv").body();
    assertThat(csv.lines().findFirst().orElseThrow().split(","))
        .containsExactlyElementsOf(schemas.resolve("#/components/schemas/UsageExportRecord").getJsonArray("required")
            .stream().map(String::valueOf).toList());
    for (String by : List.of("day", "hour", "key", "model", "provider", "proxy")) {
      JsonObject report = expect(200, "GET", "/api/admin/usage", "/api/admin/usage?by=" + by, null);
      assertThat(report.getJsonArray("data")).isNotEmpty();
    }

    // The audit log, verified and exported.
    JsonObject verified = expect(200, "GET", "/api/admin/audit/verify", "/api/admin/audit/verify", null);
    assertThat(verified.getBoolean("intact")).isTrue();
    HttpResponse<String> audit = expectRaw(200, "GET", "/api/admin/audit/export", "/api/admin/audit/export");
    JsonObject lineSchema = new JsonObject().put("$ref", "#/components/schemas/AuditExportLine");
    List<String> auditLines = audit.body().lines().filter(line -> !line.isBlank()).toList();
    assertThat(auditLines).anyMatch(line -> line.contains("\"type\":\"record\""));
    for (String line : auditLines) {
      assertThat(schemas.problems(new JsonObject(line), lineSchema)).as(line).isEmpty();
    }
  }

  /**
   * Calls {@code actualPath}, expects {@code status}, checks the status is one the document gives
   * {@code method template}, the request body (of a call that succeeds) fits the documented request
   * schema, and the JSON answer fits the documented schema of that status. The answer, or null.
   */
  private static JsonObject expect(int status, String method, String template, String actualPath, JsonObject body) {
    JsonObject operation = operation(method, template);
    if (body != null && status < 300) {
      JsonObject requestSchema = operation.getJsonObject("requestBody").getJsonObject("content")
          .getJsonObject("application/json").getJsonObject("schema");
      assertThat(schemas.problems(body, requestSchema)).as("the request of " + method + " " + template
          + " fits its documented schema: " + body.encode()).isEmpty();
    }
    HttpResponse<String> answer = admin.send(method, actualPath, body);
    assertThat(answer.statusCode()).as(method + " " + actualPath + ": " + answer.body()).isEqualTo(status);
    JsonObject response = documentedResponse(operation, status, method, template);
    JsonObject content = response.getJsonObject("content");
    if (content == null) {
      assertThat(answer.body()).as(method + " " + actualPath + " answers no body").isEmpty();
      return null;
    }
    JsonObject schema = content.getJsonObject("application/json").getJsonObject("schema");
    JsonObject json = new JsonObject(answer.body());
    assertThat(schemas.problems(json, schema)).as(method + " " + actualPath + " " + status
        + " fits its documented schema: " + answer.body()).isEmpty();
    return json;
  }

  /** A call whose answer is not JSON (an export): its status and content type are documented. */
  private static HttpResponse<String> expectRaw(int status, String method, String template, String actualPath) {
    HttpResponse<String> answer = admin.send(method, actualPath, null);
    assertThat(answer.statusCode()).as(method + " " + actualPath + ": " + answer.body()).isEqualTo(status);
    JsonObject content = documentedResponse(operation(method, template), status, method, template)
        .getJsonObject("content");
    String type = answer.headers().firstValue("Content-Type").orElseThrow().split(";")[0].trim();
    assertThat(content.fieldNames()).as("documented content types of " + method + " " + template).contains(type);
    return answer;
  }

  private static JsonObject operation(String method, String template) {
    JsonObject path = document.getJsonObject("paths").getJsonObject(template);
    assertThat(path).as(template + " is documented").isNotNull();
    JsonObject operation = path.getJsonObject(method.toLowerCase());
    assertThat(operation).as(method + " " + template + " is documented").isNotNull();
    return operation;
  }

  private static JsonObject documentedResponse(JsonObject operation, int status, String method, String template) {
    JsonObject response = operation.getJsonObject("responses").getJsonObject(String.valueOf(status));
    assertThat(response).as(method + " " + template + " documents its " + status).isNotNull();
    return response.containsKey("$ref") ? schemas.resolve(response.getString("$ref")) : response;
  }

  /**
   * The operations the document describes, as {@code "GET /path/{id}"}: all of them, or only those
   * marked {@code x-portcullis-mounted-by: console}.
   */
  private static Set<String> documented(boolean consoleOnly) {
    Set<String> operations = new TreeSet<>();
    for (Map.Entry<String, Object> path : document.getJsonObject("paths")) {
      for (Map.Entry<String, Object> operation : (JsonObject) path.getValue()) {
        if (!METHODS.contains(operation.getKey())) {
          continue;
        }
        boolean console = "console".equals(((JsonObject) operation.getValue()).getString("x-portcullis-mounted-by"));
        if (!consoleOnly || console) {
          operations.add(operation.getKey().toUpperCase() + " " + path.getKey());
        }
      }
    }
    return operations;
  }

  /**
   * The admin router as the running auth-service builds it, the usage ledger's calls mounted:
   * found among the process's deployments (the test's one way in without a production hook).
   */
  private static Router adminRouter() {
    VertxInternal vertx = (VertxInternal) portcullis.portcullis().vertx();
    for (DeploymentContext deployment : vertx.deploymentManager().deployments()) {
      for (Deployable instance : deployment.deployment().instances()) {
        if (instance instanceof AuthVerticle auth) {
          Router router = auth.adminRouter();
          assertThat(router).isNotNull();
          return router;
        }
      }
    }
    throw new AssertionError("no AuthVerticle is deployed: " + List.of(vertx.deploymentIDs()));
  }
}
