package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code admin oauth-clients list|create|revoke}: clients that get access tokens by client credentials. */
@Command(name = "oauth-clients",
    description = "OAuth clients: applications that get access tokens (client credentials, scope llm:proxy).")
final class OAuthClientsCommand extends ApiCommand {

  @Command(name = "list", description = "Lists the OAuth clients (never a secret).")
  int list() {
    return show(http().get("/oauth-clients"), body -> {
      Table table = new Table("ID", "NAME", "CLIENT ID", "PROVIDER KEYS (ID:WEIGHT)", "ALLOWED LLM PROXIES", "CREATED");
      for (JsonNode client : Json.elements(body.path("data"))) {
        table.row(Json.text(client.path("id")), Json.text(client.path("name")), Json.text(client.path("clientId")),
            VirtualKeysCommand.weighted(client.path("providerKeys")), Json.joined(client.path("allowedLlmProxyIds")),
            Json.text(client.path("createdAt")));
      }
      table.print(out());
    });
  }

  @Command(name = "create",
      description = "Makes an OAuth client; its secret is printed once, and only its hash is kept.")
  int create(
      @Option(names = "--name", paramLabel = "NAME", description = "A name to know it by.") String name,
      @Option(names = "--provider-key", paramLabel = "ID[:WEIGHT]",
          description = "A provider key to map, with its weight (1..1000, default 1); repeatable.") List<String> providerKeys,
      @Option(names = "--allowed-llm-proxy", paramLabel = "ID",
          description = "An LLM proxy the client may use; repeatable, at least one.") List<String> allowedLlmProxies,
      @Option(names = "--body-file", paramLabel = "FILE|-", description = "The request body as JSON; options given override its fields.") String bodyFile) {
    ObjectNode body = body(bodyFile);
    ProviderKeysCommand.putIfSet(body, "name", name);
    require(body, "name", "--name");
    VirtualKeysCommand.putMappings(body, providerKeys);
    if (allowedLlmProxies != null) {
      ArrayNode ids = body.putArray("allowedLlmProxyIds");
      allowedLlmProxies.forEach(ids::add);
    }
    return show(http().send("POST", "/oauth-clients", Json.bytes(body)), client -> {
      new Table("ID", "CLIENT ID").row(Json.text(client.path("id")), Json.text(client.path("clientId"))).print(out());
      OneTimeSecret.print(out(), "Client secret", Json.text(client.path("clientSecret")));
    });
  }

  @Command(name = "revoke",
      description = "Deletes an OAuth client: it and its tokens stop working on every gateway within a second.")
  int revoke(@Parameters(paramLabel = "ID") String id) {
    http().send("DELETE", path("oauth-clients", id), null);
    return done("Revoked OAuth client " + id);
  }
}
