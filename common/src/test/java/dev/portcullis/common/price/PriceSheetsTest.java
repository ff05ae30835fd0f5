package dev.portcullis.common.price;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceSheetsTest {

  @Test
  void aSheetCrossesAClusteredBusExactly() {
    TieredPrice tiered = new TieredPrice(new BigDecimal("0.000000000001"),
        List.of(new TieredPrice.Tier(200_000, new BigDecimal("1.25")), new TieredPrice.Tier(1_000_000, new BigDecimal("3"))));
    ModelPrice price = new ModelPrice(tiered, TieredPrice.flat(new BigDecimal("0.6")), TieredPrice.flat(new BigDecimal("0.075")),
        null, null, new BigDecimal("5"));
    // A clustered bus sends the sheet as JSON text: no amount may pass through a double.
    ModelPrice read = PriceSheets.fromJson(new JsonObject(PriceSheets.toJson(price).encode()));
    assertThat(read).isEqualTo(price);
    TokenCounts counts = new TokenCounts(300_000, 1_000, 10_000, -1, -1);
    assertThat(PriceCalculator.cost(read, counts)).isEqualTo(PriceCalculator.cost(price, counts));
    assertThat(PriceSheets.fromJson(PriceSheets.toJson(ModelPrice.FREE))).isEqualTo(ModelPrice.FREE);
  }

  @Test
  void anythingElseIsRefused() {
    assertThatThrownBy(() -> PriceSheets.fromJson(new JsonObject().put("input", "1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PriceSheets.fromJson(new JsonObject()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PriceSheets.fromJson(new JsonObject().put("input", new JsonObject().put("base", "-1"))
        .put("output", new JsonObject().put("base", "1")))).isInstanceOf(IllegalArgumentException.class);
  }
}
