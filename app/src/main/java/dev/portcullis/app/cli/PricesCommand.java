package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code admin prices get|list|set|delete}: the price in force for a model, and the overrides an
 * administrator set over the catalog. The model goes in the query, as the API takes it (model ids
 * hold {@code /} and {@code :}).
 */
@Command(name = "prices",
    description = "Model prices: the catalog's, and the overrides set over it (USD per million tokens).")
final class PricesCommand extends ApiCommand {

  private static final String[] PRICE_FIELDS = {"inputPerMillion", "outputPerMillion", "cachedInputPerMillion",
      "cacheWritePerMillion", "reasoningPerMillion", "perThousandRequests"};

  @Command(name = "get", description = "The price in force for a model now, and where it comes from.")
  int get(@Option(names = "--provider", required = true, paramLabel = "NAME") String provider,
      @Option(names = "--model", required = true, paramLabel = "MODEL") String model) {
    return show(http().get("/prices" + AdminHttp.query(AdminHttp.parameters("provider", provider, "model", model))),
        this::printEffective);
  }

  @Command(name = "list", description = "Lists the overrides (GET /price-overrides).")
  int list() {
    return show(http().get("/price-overrides"), body -> {
      out().println("Catalog: " + Json.text(body.path("catalog").path("package")) + " "
          + Json.text(body.path("catalog").path("version")));
      Table table = new Table("PROVIDER", "MODEL", "INPUT/M", "OUTPUT/M", "CACHED INPUT/M", "UPDATED");
      for (JsonNode override : Json.elements(body.path("data"))) {
        JsonNode price = override.path("price");
        table.row(Json.text(override.path("provider")), Json.text(override.path("model")),
            amount(price.path("inputPerMillion")), amount(price.path("outputPerMillion")),
            amount(price.path("cachedInputPerMillion")), Json.text(override.path("updatedAt")));
      }
      table.print(out());
    });
  }

  @Command(name = "set",
      description = "Sets a model's price (an override: it wins over the catalog from the next call on).")
  int set(@Option(names = "--provider", required = true, paramLabel = "NAME") String provider,
      @Option(names = "--model", required = true, paramLabel = "MODEL") String model,
      @Option(names = "--input-per-million", paramLabel = "USD") String input,
      @Option(names = "--output-per-million", paramLabel = "USD") String output,
      @Option(names = "--cached-input-per-million", paramLabel = "USD") String cachedInput,
      @Option(names = "--cache-write-per-million", paramLabel = "USD") String cacheWrite,
      @Option(names = "--reasoning-per-million", paramLabel = "USD") String reasoning,
      @Option(names = "--per-thousand-requests", paramLabel = "USD") String perThousandRequests,
      @Option(names = "--body-file", paramLabel = "FILE|-", description = "The price as JSON (tiers too); options given override its fields.") String bodyFile) {
    ObjectNode body = body(bodyFile);
    String[] given = {input, output, cachedInput, cacheWrite, reasoning, perThousandRequests};
    for (int i = 0; i < given.length; i++) {
      if (given[i] != null) {
        body.put(PRICE_FIELDS[i], decimal(given[i], PRICE_FIELDS[i]));
      }
    }
    if (body.isEmpty()) {
      throw usageError("Give a price: --input-per-million, --output-per-million, ... or --body-file");
    }
    String path = "/prices/" + AdminHttp.segment(provider) + AdminHttp.query(AdminHttp.parameters("model", model));
    return show(http().send("PUT", path, Json.bytes(body)), this::printEffective);
  }

  @Command(name = "delete", description = "Removes a model's override (the catalog's price applies again).")
  int delete(@Option(names = "--provider", required = true, paramLabel = "NAME") String provider,
      @Option(names = "--model", required = true, paramLabel = "MODEL") String model) {
    http().send("DELETE", "/prices/" + AdminHttp.segment(provider)
        + AdminHttp.query(AdminHttp.parameters("model", model)), null);
    return done("Removed the price set for " + provider + " model " + model);
  }

  private void printEffective(JsonNode body) {
    JsonNode price = body.path("price");
    new Table("PROVIDER", "MODEL", "SOURCE", "INPUT/M", "OUTPUT/M", "CACHED INPUT/M", "CACHE WRITE/M", "REASONING/M")
        .row(Json.text(body.path("provider")), Json.text(body.path("model")), Json.text(body.path("source")),
            amount(price.path("inputPerMillion")), amount(price.path("outputPerMillion")),
            amount(price.path("cachedInputPerMillion")), amount(price.path("cacheWritePerMillion")),
            amount(price.path("reasoningPerMillion")))
        .print(out());
  }

  /** A price: a number, or {@code tiered from <base>} when it changes with the tokens (--json has the tiers). */
  private static String amount(JsonNode price) {
    return price.isObject() ? "tiered from " + Json.text(price.path("base")) : Json.text(price);
  }

  private BigDecimal decimal(String value, String field) {
    try {
      return new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      throw usageError("The " + field + " price must be a decimal number of dollars");
    }
  }
}
