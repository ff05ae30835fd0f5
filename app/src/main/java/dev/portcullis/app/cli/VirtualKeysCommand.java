package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code admin virtual-keys list|create|revoke}: the {@code pc-vk-...} keys applications call with. */
@Command(name = "virtual-keys",
    description = "Virtual keys (pc-vk-...): what applications send instead of a provider key.")
final class VirtualKeysCommand extends ApiCommand {

  @Command(name = "list", description = "Lists the virtual keys (never a key).")
  int list() {
    return show(http().get("/virtual-keys"), body -> {
      Table table = new Table("ID", "NAME", "PROVIDER KEYS (ID:WEIGHT)", "LLM PROXIES", "EXPIRES", "CREATED");
      for (JsonNode key : Json.elements(body.path("data"))) {
        table.row(Json.text(key.path("id")), Json.text(key.path("name")), weighted(key.path("providerKeys")),
            Json.joined(key.path("llmProxyIds")), Json.text(key.path("expiresAt")), Json.text(key.path("createdAt")));
      }
      table.print(out());
    });
  }

  @Command(name = "create",
      description = "Makes a virtual key; its key is printed once, and only its hash is kept.")
  int create(
      @Option(names = "--name", paramLabel = "NAME", description = "A name to know it by.") String name,
      @Option(names = "--provider-key", paramLabel = "ID[:WEIGHT]",
          description = "A provider key to map, with its weight (1..1000, default 1); repeatable.") List<String> providerKeys,
      @Option(names = "--llm-proxy", paramLabel = "ID", description = "An LLM proxy the key may use; repeatable.") List<String> llmProxies,
      @Option(names = "--expires-at", paramLabel = "INSTANT", description = "Such as 2026-12-31T23:59:59Z.") String expiresAt,
      @Option(names = "--body-file", paramLabel = "FILE|-", description = "The request body as JSON; options given override its fields.") String bodyFile) {
    ObjectNode body = body(bodyFile);
    ProviderKeysCommand.putIfSet(body, "name", name);
    require(body, "name", "--name");
    putMappings(body, providerKeys);
    if (llmProxies != null) {
      ArrayNode ids = body.putArray("llmProxyIds");
      llmProxies.forEach(ids::add);
    }
    ProviderKeysCommand.putIfSet(body, "expiresAt", expiresAt);
    return show(http().send("POST", "/virtual-keys", Json.bytes(body)), key -> {
      new Table("ID", "NAME", "PROVIDERS", "EXPIRES").row(Json.text(key.path("id")), Json.text(key.path("name")),
          Json.joined(key.path("providers")), Json.text(key.path("expiresAt"))).print(out());
      OneTimeSecret.print(out(), "Virtual key", Json.text(key.path("key")));
    });
  }

  @Command(name = "revoke",
      description = "Deletes a virtual key: it stops working on every gateway within a second.")
  int revoke(@Parameters(paramLabel = "ID") String id) {
    http().send("DELETE", path("virtual-keys", id), null);
    return done("Revoked virtual key " + id);
  }

  /**
   * {@code --provider-key id[:weight]} as the API's {@code providerKeys} (a weight left out is the
   * API's default, 1). Ids are UUIDs: the weight is what follows the last colon, when it is a number.
   */
  static void putMappings(ObjectNode body, List<String> providerKeys) {
    if (providerKeys == null) {
      return;
    }
    body.remove("providerKeyIds");
    ArrayNode keys = body.putArray("providerKeys");
    for (String given : providerKeys) {
      int colon = given.lastIndexOf(':');
      ObjectNode key = keys.addObject();
      if (colon > 0 && given.substring(colon + 1).matches("\\d{1,9}")) {
        key.put("id", given.substring(0, colon)).put("weight", Integer.parseInt(given.substring(colon + 1)));
      } else {
        key.put("id", given);
      }
    }
  }

  /** {@code id:weight, ...} of a listed key's {@code providerKeys}. */
  static String weighted(JsonNode providerKeys) {
    return String.join(", ", Json.elements(providerKeys).stream()
        .map(key -> Json.text(key.path("id")) + ":" + Json.text(key.path("weight"))).toList());
  }
}
