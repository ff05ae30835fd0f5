package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code admin usage report|export}: the usage ledger's totals, and its records as a file. */
@Command(name = "usage", description = "Usage and cost from the ledger.")
final class UsageCommand extends ApiCommand {

  @Command(name = "report", description = "Calls, tokens and cost, in total or per group.")
  int report(@Mixin UsageFilters filters,
      @Option(names = "--by", paramLabel = "GROUP", description = "day, hour, key, model, provider or proxy.") String by) {
    return show(http().get("/usage" + AdminHttp.query(filters.parameters("by", by))), body -> {
      Table table = new Table("GROUP", "CALLS", "INPUT TOKENS", "OUTPUT TOKENS", "CACHED INPUT", "CACHE WRITE",
          "REASONING", "COST USD", "UNPRICED CALLS");
      for (JsonNode group : Json.elements(body.path("data"))) {
        table.row(row(Json.text(group.path("group")), group));
      }
      table.row(row("TOTAL", body.path("total")));
      table.print(out());
    });
  }

  @Command(name = "export",
      description = "Streams every matching record to standard output (redirect it to a file); --json changes nothing here.")
  int export(@Mixin UsageFilters filters,
      @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv (default) or jsonl.") String format) {
    http().stream("/usage/export" + AdminHttp.query(filters.parameters("format", format)), out());
    return ExitCodes.OK;
  }

  private static String[] row(String group, JsonNode totals) {
    return new String[] {group, Json.text(totals.path("calls")), Json.text(totals.path("inputTokens")),
        Json.text(totals.path("outputTokens")), Json.text(totals.path("cachedInputTokens")),
        Json.text(totals.path("cacheWriteTokens")), Json.text(totals.path("reasoningTokens")),
        Json.text(totals.path("costUsd")), Json.text(totals.path("unpricedCalls"))};
  }
}
