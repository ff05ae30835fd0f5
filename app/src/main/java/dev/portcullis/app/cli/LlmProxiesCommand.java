package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code admin llm-proxies list|create|update|delete}, and each proxy's documents:
 * {@code policies get|set|evaluate} and {@code fallbacks get|set|delete}.
 */
@Command(name = "llm-proxies",
    description = "LLM proxies: /v1/<provider>/<id> routes, each with its policies, fallbacks and audit level.",
    subcommands = {LlmProxiesCommand.Policies.class, LlmProxiesCommand.Fallbacks.class})
final class LlmProxiesCommand extends ApiCommand {

  @Command(name = "list", description = "Lists the LLM proxies.")
  int list() {
    return show(http().get("/llm-proxies"), body -> {
      Table table = new Table("ID", "NAME", "DEFAULT", "AUDIT BODIES", "FALLBACKS");
      for (JsonNode proxy : Json.elements(body.path("data"))) {
        table.row(Json.text(proxy.path("id")), Json.text(proxy.path("name")),
            proxy.path("isDefault").asBoolean() ? "yes" : "no", Json.text(proxy.path("auditBodies")),
            fallbackCount(proxy.path("fallbacks")));
      }
      table.print(out());
    });
  }

  @Command(name = "create", description = "Makes an LLM proxy.")
  int create(
      @Option(names = "--name", paramLabel = "NAME", description = "A name to know it by.") String name,
      @Option(names = "--audit-bodies", paramLabel = "LEVEL", description = "none (default), metadata or full.") String auditBodies,
      @Option(names = "--fallbacks-file", paramLabel = "FILE|-", description = "Model-router fallbacks as JSON: {\"openai:gpt-4o\":[\"anthropic:...\"]}.") String fallbacksFile,
      @Option(names = "--body-file", paramLabel = "FILE|-", description = "The request body as JSON; options given override its fields.") String bodyFile) {
    oneReaderOfStdin("-".equals(fallbacksFile), "-".equals(bodyFile), "--fallbacks-file -", "--body-file -");
    ObjectNode body = body(bodyFile);
    ProviderKeysCommand.putIfSet(body, "name", name);
    require(body, "name", "--name");
    ProviderKeysCommand.putIfSet(body, "auditBodies", auditBodies);
    if (fallbacksFile != null) {
      body.set("fallbacks", InputFiles.json(fallbacksFile, io()));
    }
    return show(http().send("POST", "/llm-proxies", Json.bytes(body)), this::printProxy);
  }

  @Command(name = "update",
      description = "Changes an LLM proxy's audit level or fallbacks (PATCH); what is not given stays.")
  int update(
      @Parameters(paramLabel = "ID") String id,
      @Option(names = "--audit-bodies", paramLabel = "LEVEL", description = "none, metadata or full.") String auditBodies,
      @Option(names = "--fallbacks-file", paramLabel = "FILE|-", description = "New model-router fallbacks as JSON ({} removes them).") String fallbacksFile,
      @Option(names = "--body-file", paramLabel = "FILE|-", description = "The PATCH body as JSON; options given override its fields.") String bodyFile) {
    oneReaderOfStdin("-".equals(fallbacksFile), "-".equals(bodyFile), "--fallbacks-file -", "--body-file -");
    ObjectNode body = body(bodyFile);
    ProviderKeysCommand.putIfSet(body, "auditBodies", auditBodies);
    if (fallbacksFile != null) {
      body.set("fallbacks", InputFiles.json(fallbacksFile, io()));
    }
    if (body.isEmpty()) {
      throw usageError(
          "Nothing to change: give --audit-bodies, --fallbacks-file or --body-file");
    }
    return show(http().send("PATCH", path("llm-proxies", id), Json.bytes(body)), this::printProxy);
  }

  @Command(name = "delete",
      description = "Deletes an LLM proxy (not the default one); its routes stop within a second.")
  int delete(@Parameters(paramLabel = "ID") String id) {
    http().send("DELETE", path("llm-proxies", id), null);
    return done("Deleted LLM proxy " + id);
  }

  private void printProxy(JsonNode proxy) {
    new Table("ID", "NAME", "DEFAULT", "AUDIT BODIES", "FALLBACKS").row(Json.text(proxy.path("id")),
        Json.text(proxy.path("name")), proxy.path("isDefault").asBoolean() ? "yes" : "no",
        Json.text(proxy.path("auditBodies")), fallbackCount(proxy.path("fallbacks"))).print(out());
  }

  private static String fallbackCount(JsonNode fallbacks) {
    int models = fallbacks.isObject() ? fallbacks.size() : 0;
    return models == 0 ? "none" : models + (models == 1 ? " model" : " models");
  }

  /** {@code llm-proxies policies get|set|evaluate ID}: the proxy's policy document, shown as JSON either way. */
  @Command(name = "policies",
      description = "A proxy's policy document (tool invocation, trusted data, sensitive data rules).")
  static final class Policies extends ApiCommand {

    @Command(name = "get", description = "Prints the document (the empty one when it has none).")
    int get(@Parameters(paramLabel = "ID") String id) {
      return showDocument(http().get(path("llm-proxies", id) + "/policies"));
    }

    @Command(name = "set",
        description = "Replaces the document with FILE's (- reads standard input); prints it as stored.")
    int set(@Parameters(paramLabel = "ID") String id,
        @Option(names = "--file", required = true, paramLabel = "FILE|-") String file) {
      ObjectNode document = InputFiles.jsonObject(file, io());
      return showDocument(http().send("PUT", path("llm-proxies", id) + "/policies", Json.bytes(document)));
    }

    @Command(name = "evaluate",
        description = "What the gateway would do with a request or answer (FILE: {\"api\":...,\"request\":{...}}), calling no provider.")
    int evaluate(@Parameters(paramLabel = "ID") String id,
        @Option(names = "--file", required = true, paramLabel = "FILE|-") String file) {
      ObjectNode body = InputFiles.jsonObject(file, io());
      return showDocument(http().send("POST", path("llm-proxies", id) + "/policies/evaluate", Json.bytes(body)));
    }
  }

  /** {@code llm-proxies fallbacks get|set|delete ID}: the model router's fallbacks of a proxy. */
  @Command(name = "fallbacks",
      description = "A proxy's model-router fallbacks: for each model, the models to try after it.")
  static final class Fallbacks extends ApiCommand {

    @Command(name = "get", description = "Prints the fallbacks.")
    int get(@Parameters(paramLabel = "ID") String id) {
      return show(http().get(path("llm-proxies", id) + "/fallbacks"), this::print);
    }

    @Command(name = "set",
        description = "Replaces the fallbacks with FILE's JSON object (- reads standard input).")
    int set(@Parameters(paramLabel = "ID") String id,
        @Option(names = "--file", required = true, paramLabel = "FILE|-") String file) {
      ObjectNode fallbacks = InputFiles.jsonObject(file, io());
      return show(http().send("PUT", path("llm-proxies", id) + "/fallbacks", Json.bytes(fallbacks)), this::print);
    }

    @Command(name = "delete", description = "Removes the fallbacks.")
    int delete(@Parameters(paramLabel = "ID") String id) {
      http().send("DELETE", path("llm-proxies", id) + "/fallbacks", null);
      return done("Removed the fallbacks of LLM proxy " + id);
    }

    private void print(JsonNode fallbacks) {
      if (!fallbacks.isObject() || fallbacks.isEmpty()) {
        out().println("No fallbacks.");
        return;
      }
      Table table = new Table("MODEL", "THEN TRY");
      for (Map.Entry<String, JsonNode> model : fallbacks.properties()) {
        table.row(model.getKey(), String.join(" -> ", Json.elements(model.getValue()).stream().map(Json::text).toList()));
      }
      table.print(out());
    }
  }
}
