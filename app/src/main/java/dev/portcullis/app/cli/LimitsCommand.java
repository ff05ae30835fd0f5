package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code admin limits list|get|create|update|delete|status}: budgets and rate limits. A rule has
 * nested parts (who, which models, several limits), so it is given whole as a JSON file, the
 * README's rule format.
 */
@Command(name = "limits",
    description = "Limit rules: requests and tokens per minute, concurrent streams, spend per window.")
final class LimitsCommand extends ApiCommand {

  private static final String[] HEADER = {"ID", "NAME", "MODE", "APPLIES TO", "MODELS", "LIMITS"};

  @Command(name = "list", description = "Lists the rules, oldest first.")
  int list() {
    return show(http().get("/limits"), body -> {
      Table table = new Table(HEADER);
      Json.elements(body.path("data")).forEach(rule -> table.row(cells(rule)));
      table.print(out());
    });
  }

  @Command(name = "get", description = "Prints one rule.")
  int get(@Parameters(paramLabel = "ID") String id) {
    return showDocument(http().get(path("limits", id)));
  }

  @Command(name = "create",
      description = "Makes a rule from FILE's JSON (- reads standard input), such as {\"name\":\"app-rpm\",\"appliesTo\":{\"virtualKeyId\":\"<id>\"},\"requestsPerMinute\":60,\"mode\":\"hard\"}.")
  int create(@Option(names = {"--file", "--body-file"}, required = true, paramLabel = "FILE|-") String file) {
    return show(http().send("POST", "/limits", Json.bytes(InputFiles.jsonObject(file, io()))), this::printRule);
  }

  @Command(name = "update",
      description = "Replaces a rule whole with FILE's JSON (its spend starts afresh from the ledger).")
  int update(@Parameters(paramLabel = "ID") String id,
      @Option(names = {"--file", "--body-file"}, required = true, paramLabel = "FILE|-") String file) {
    return show(http().send("PUT", path("limits", id), Json.bytes(InputFiles.jsonObject(file, io()))), this::printRule);
  }

  @Command(name = "delete", description = "Deletes a rule.")
  int delete(@Parameters(paramLabel = "ID") String id) {
    http().send("DELETE", path("limits", id), null);
    return done("Deleted limit rule " + id);
  }

  @Command(name = "status", description = "Each limit of a rule: used and remaining now.")
  int status(@Parameters(paramLabel = "ID") String id) {
    return show(http().get(path("limits", id) + "/status"), body -> {
      out().println(Json.text(body.path("id")) + "  " + Json.text(body.path("name")) + "  (" + Json.text(body.path("mode")) + ")");
      Table table = new Table("METRIC", "WINDOW", "SINCE", "LIMIT", "USED", "REMAINING");
      for (JsonNode limit : Json.elements(body.path("limits"))) {
        boolean spend = limit.has("limitUsd");
        table.row(Json.text(limit.path("metric")), Json.text(limit.path("window")), Json.text(limit.path("windowStart")),
            spend ? "$" + Json.text(limit.path("limitUsd")) : Json.text(limit.path("limit")),
            spend ? "$" + Json.text(limit.path("usedUsd")) : Json.text(limit.path("used")),
            spend ? "$" + Json.text(limit.path("remainingUsd")) : Json.text(limit.path("remaining")));
      }
      table.print(out());
    });
  }

  private void printRule(JsonNode rule) {
    new Table(HEADER).row(cells(rule)).print(out());
  }

  private static String[] cells(JsonNode rule) {
    return new String[] {Json.text(rule.path("id")), Json.text(rule.path("name")), Json.text(rule.path("mode")),
        appliesTo(rule.path("appliesTo")), rule.path("models").isArray() ? Json.joined(rule.path("models")) : "all",
        limits(rule)};
  }

  /** {@code virtualKeyId=<id>}, or {@code organization}. */
  private static String appliesTo(JsonNode appliesTo) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : appliesTo.properties()) {
      parts.add(entry.getKey().equals("organization") ? "organization" : entry.getKey() + "=" + Json.text(entry.getValue()));
    }
    return String.join(", ", parts);
  }

  /** {@code 60 req/min, 10000 tok/min, 4 streams, $200/month}. */
  private static String limits(JsonNode rule) {
    List<String> parts = new ArrayList<>();
    if (rule.hasNonNull("requestsPerMinute")) {
      parts.add(Json.text(rule.path("requestsPerMinute")) + " req/min");
    }
    if (rule.hasNonNull("tokensPerMinute")) {
      parts.add(Json.text(rule.path("tokensPerMinute")) + " tok/min");
    }
    if (rule.hasNonNull("concurrentStreams")) {
      parts.add(Json.text(rule.path("concurrentStreams")) + " streams");
    }
    if (rule.path("spendUsd").isObject()) {
      parts.add("$" + Json.text(rule.path("spendUsd").path("amount")) + "/" + Json.text(rule.path("spendUsd").path("window")));
    }
    return String.join(", ", parts);
  }
}
