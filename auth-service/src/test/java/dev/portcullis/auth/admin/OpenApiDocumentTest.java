package dev.portcullis.auth.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.auth.store.KeyMapping;
import dev.portcullis.auth.store.LlmProxy;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.policy.sensitive.Detectors;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document loads, converts, holds together, and names what the code accepts. */
class OpenApiDocumentTest {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private static JsonNode document;
  private static Vertx vertx;

  @BeforeAll
  static void read() throws Exception {
    document = new ObjectMapper().readTree(OpenApiDocument.json().getBytes());
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void isAnOpenApi31DocumentAsJson() {
    assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
    assertThat(document.path("info").path("title").asText()).isNotBlank();
    assertThat(document.path("paths").size()).isGreaterThan(20);
    assertThat(document.path("components").path("securitySchemes").path("adminToken").path("scheme").asText())
        .isEqualTo("bearer");
    JsonNode cookie = document.path("components").path("securitySchemes").path("consoleSession");
    assertThat(cookie.path("in").asText()).isEqualTo("cookie");
    assertThat(cookie.path("name").asText()).isEqualTo("portcullis_console");
  }

  @Test
  void everyOperationHasAUniqueIdASummaryAndATag() {
    Set<String> ids = new HashSet<>();
    document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
      if (!METHODS.contains(operation.getKey())) {
        return;
      }
      String where = operation.getKey() + " " + path.getKey();
      JsonNode op = operation.getValue();
      assertThat(op.path("operationId").asText()).as(where).isNotBlank();
      assertThat(ids.add(op.path("operationId").asText())).as("operationId of " + where + " is unique").isTrue();
      assertThat(op.path("summary").asText()).as(where).isNotBlank();
      assertThat(op.path("tags").size()).as(where).isPositive();
      assertThat(op.path("responses").size()).as(where).isPositive();
    }));
    assertThat(ids).hasSizeGreaterThan(40);
  }

  @Test
  void everyAdminCallListsTheRefusalsEveryAdminCallCanGive() {
    document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
      if (!METHODS.contains(operation.getKey()) || !path.getKey().startsWith("/api/admin/")
          || path.getKey().equals("/api/admin/docs")) {
        // The docs page sends a browser that is not signed in to the sign-in form (302), not a 401.
        return;
      }
      String where = operation.getKey() + " " + path.getKey();
      JsonNode responses = operation.getValue().path("responses");
      // The token (or the console's cookie) is checked before anything else.
      assertThat(responses.has("401")).as(where + " lists 401").isTrue();
      if (!operation.getKey().equals("get")) {
        assertThat(responses.has("403")).as(where + " lists 403 (the cookie without X-CSRF-Token)").isTrue();
      }
      if (operation.getValue().has("requestBody")) {
        assertThat(responses.has("400")).as(where + " lists 400").isTrue();
        assertThat(responses.has("413")).as(where + " lists 413").isTrue();
      }
    }));
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }

  @Test
  void enumsAreTheCodesOwnLists() {
    JsonNode schemas = document.path("components").path("schemas");
    assertThat(strings(schemas.path("Provider").path("enum"))).containsExactlyInAnyOrderElementsOf(Providers.names());
    assertThat(strings(schemas.path("AuditLevel").path("enum")))
        .containsExactlyInAnyOrderElementsOf(LlmProxy.AUDIT_LEVELS);
    assertThat(strings(schemas.path("SensitiveRule").path("properties").path("detector").path("enum")))
        .containsExactlyInAnyOrderElementsOf(Detectors.defaults().names());
    JsonNode weight = schemas.path("WeightedKey").path("properties").path("weight");
    assertThat(weight.path("minimum").asInt()).isEqualTo(KeyMapping.MIN_WEIGHT);
    assertThat(weight.path("maximum").asInt()).isEqualTo(KeyMapping.MAX_WEIGHT);
    JsonNode fallbacks = schemas.path("Fallbacks");
    assertThat(fallbacks.path("maxProperties").asInt()).isEqualTo(FallbacksDocument.MAX_MODELS);
    assertThat(fallbacks.path("additionalProperties").path("maxItems").asInt()).isEqualTo(FallbacksDocument.MAX_CHAIN);
  }

  @Test
  void operationsOfARouterAreItsMethodsAndPathsWithoutCatchAlls() {
    Router router = Router.router(vertx);
    router.route("/api/admin/*").handler(ctx -> ctx.next());
    router.get("/api/admin/things").handler(ctx -> ctx.end());
    router.delete("/api/admin/things/:id").handler(ctx -> ctx.end());
    router.get("/api/admin/things/:id/parts/:partId").handler(ctx -> ctx.end());
    router.route("/api/admin/things/:id/*").handler(ctx -> ctx.end());
    router.route().last().handler(ctx -> ctx.end());
    OpenApiDocument.mount(router, "/api/admin");

    assertThat(OpenApiDocument.operations(router)).containsExactly(
        "DELETE /api/admin/things/{id}",
        "GET /api/admin/openapi.json",
        "GET /api/admin/things",
        "GET /api/admin/things/{id}/parts/{partId}");
  }

  @Test
  void aMissingDocumentIsALoudFailure() {
    assertThatThrownBy(() -> OpenApiDocument.toJson("no-such-openapi.yaml"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing");
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      node.properties().forEach(field -> {
        if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
          refs.add(field.getValue().asText());
        } else {
          collectRefs(field.getValue(), refs);
        }
      });
    } else if (node.isArray()) {
      node.forEach(item -> collectRefs(item, refs));
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
