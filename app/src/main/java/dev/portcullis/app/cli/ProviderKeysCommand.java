package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code admin provider-keys list|create|delete}: the provider credentials Portcullis sends upstream. */
@Command(name = "provider-keys",
    description = "Provider credentials Portcullis sends upstream (stored encrypted, never shown again).")
final class ProviderKeysCommand extends ApiCommand {

  @Command(name = "list", description = "Lists the provider keys (never a key).")
  int list() {
    return show(http().get("/provider-keys"), body -> {
      Table table = new Table("ID", "PROVIDER", "NAME", "API KEY", "BASE URL", "CREATED");
      for (JsonNode key : Json.elements(body.path("data"))) {
        table.row(Json.text(key.path("id")), Json.text(key.path("provider")), Json.text(key.path("name")),
            key.path("hasApiKey").asBoolean() ? "stored" : "none", Json.text(key.path("baseUrl")),
            Json.text(key.path("createdAt")));
      }
      table.print(out());
    });
  }

  @Command(name = "create",
      description = "Stores a provider key. Its API key is read from a file or standard input, never taken as an "
          + "argument (command lines are visible to every user in ps).")
  int create(
      @Option(names = "--provider", paramLabel = "NAME", description = "openai, anthropic, gemini, bedrock, ...") String provider,
      @Option(names = "--name", paramLabel = "NAME", description = "A name to know it by.") String name,
      @Option(names = "--api-key-file", paramLabel = "FILE", description = "Read the provider's API key from FILE.") String apiKeyFile,
      @Option(names = "--api-key-stdin", description = "Read the provider's API key from standard input.") boolean apiKeyStdin,
      @Option(names = "--base-url", paramLabel = "URL", description = "Send this key's calls to URL instead of the provider's.") String baseUrl,
      @Option(names = "--inference-url", paramLabel = "URL", description = "The key's inference endpoint, where the provider has one.") String inferenceUrl,
      @Option(names = "--body-file", paramLabel = "FILE|-", description = "The request body as JSON (e.g. with extraHeaders); options given override its fields.") String bodyFile) {
    oneReaderOfStdin(apiKeyStdin, "-".equals(bodyFile), "--api-key-stdin", "--body-file -");
    ObjectNode body = body(bodyFile);
    putIfSet(body, "provider", provider);
    putIfSet(body, "name", name);
    putIfSet(body, "baseUrl", baseUrl);
    putIfSet(body, "inferenceUrl", inferenceUrl);
    require(body, "provider", "--provider");
    require(body, "name", "--name");
    putIfSet(body, "apiKey", InputFiles.secret(apiKeyFile, apiKeyStdin, "API key", io()));
    return show(http().send("POST", "/provider-keys", Json.bytes(body)), key -> {
      new Table("ID", "PROVIDER", "NAME", "BASE URL", "CREATED").row(Json.text(key.path("id")),
          Json.text(key.path("provider")), Json.text(key.path("name")), Json.text(key.path("baseUrl")),
          Json.text(key.path("createdAt"))).print(out());
    });
  }

  @Command(name = "delete",
      description = "Deletes a provider key: it stops working on every gateway within a second.")
  int delete(@Parameters(paramLabel = "ID") String id) {
    http().send("DELETE", path("provider-keys", id), null);
    return done("Deleted provider key " + id);
  }

  static void putIfSet(ObjectNode body, String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
  }
}
