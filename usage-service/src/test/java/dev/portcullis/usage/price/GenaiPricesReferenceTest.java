package dev.portcullis.usage.price;

import dev.portcullis.common.price.PriceCalculator;
import dev.portcullis.common.price.TokenCounts;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The Java catalog and calculator against genai-prices' own JavaScript implementation: for every
 * model of the providers Portcullis maps, the table written by {@code scripts/refresh-prices.sh}
 * holds what the package's {@code calcPrice} answers for two calls (every kind of token; past the
 * 200k tier). Same model found, same cost, for the data we ship.
 */
class GenaiPricesReferenceTest {

  private static final BigDecimal TOLERANCE = new BigDecimal("0.000000001");

  @Test
  void everyModelIsFoundAndPricedAsGenaiPricesDoes() throws IOException {
    PriceCatalog catalog = CatalogReader.bundled();
    List<String> disagreements = new ArrayList<>();
    int compared = 0;
    int tokenPriced = 0;
    for (String[] row : rows()) {
      String provider = row[0];
      String model = row[1];
      Instant time = Instant.parse(row[2]);
      TokenCounts counts = new TokenCounts(Long.parseLong(row[3]), Long.parseLong(row[6]), Long.parseLong(row[4]),
          Long.parseLong(row[5]), Long.parseLong(row[7]));
      String expectedMatch = row[8];
      boolean expectedTokenPriced = Boolean.parseBoolean(row[9]);

      CatalogModel found = catalog.find(provider, model.trim().toLowerCase(Locale.ROOT));
      String match = found == null ? "" : found.providerId() + "/" + found.id();
      BigDecimal cost = found == null ? null : PriceCalculator.cost(found.prices().at(time), counts);
      compared++;
      // genai-prices names the provider asked, not the fallback the model came from (Azure's
      // gpt-4o is OpenAI's): compare the model ids, and that both found one.
      String expectedModel = expectedMatch.isEmpty() ? "" : expectedMatch.substring(expectedMatch.indexOf('/') + 1);
      String foundModel = found == null ? "" : found.id();
      if (!expectedModel.equals(foundModel)) {
        disagreements.add(provider + " " + model + ": genai-prices matched '" + expectedMatch + "', we '" + match
            + "'");
        continue;
      }
      if (!expectedTokenPriced) {
        // Priced by audio hours, pages or images only: not from token counts, so no cost at all.
        if (cost != null) {
          disagreements.add(provider + " " + model + ": priced by tokens, but genai-prices prices it otherwise");
        }
        continue;
      }
      tokenPriced++;
      BigDecimal expected = new BigDecimal(row[10]);
      if (cost == null || cost.subtract(expected).abs().compareTo(TOLERANCE) > 0) {
        disagreements.add(provider + " " + model + " " + counts + " at " + time + ": genai-prices " + expected
            + ", we " + cost);
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(compared).isGreaterThan(2000);
    assertThat(tokenPriced).isGreaterThan(1900);
  }

  private static List<String[]> rows() throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        GenaiPricesReferenceTest.class.getResourceAsStream("/prices/genai-prices-reference.tsv"),
        StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        rows.add(line.split("\t", -1));
      }
    }
    return rows;
  }
}
