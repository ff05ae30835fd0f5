package dev.portcullis.usage.price;

import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.PriceSheets;
import dev.portcullis.common.price.TokenCounts;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.LongSupplier;

/**
 * Answers {@code portcullis.usage.quote}: what a call's tokens cost now, from the price book the
 * ledger prices records with, so that a gateway counts a call's spend against a limit as the
 * ledger will record it. {@code {"provider", "model", "in", "out", "cached", "cacheWrite",
 * "reasoning"}} (counts as {@code Usage} defines them, -1 or absent: unknown) is answered with
 * {@code {"costUsd": number}}, or {@code {"costUsd": null}} when the model has no price or neither
 * input nor output is known; {@code {"batch": [ask, ...]}} (at most {@value #MAX_BATCH}) is answered with
 * {@code {"costs": [number or null, ...]}} in the same order; {@code {"provider", "model", "sheet": true}}
 * with the model's whole price now, {@code {"price": sheet or null}} ({@link PriceSheets}), which a
 * gateway keeps to price its calls' spend itself. From memory only: overrides and catalog
 * lookups are held there.
 */
public final class PriceQuotes implements Handler<Message<Object>> {

  private static final String[] COUNTS = {"in", "out", "cached", "cacheWrite", "reasoning"};

  private final PriceBook book;
  private final LongSupplier clock;

  public PriceQuotes(PriceBook book, LongSupplier clock) {
    this.book = book;
    this.clock = clock;
  }

  /** Most quotes one batch may ask for. */
  public static final int MAX_BATCH = 1_000;

  @Override
  public void handle(Message<Object> message) {
    if (message.body() instanceof JsonObject ask && ask.getValue("batch") instanceof JsonArray batch) {
      // Many calls' quotes in one message (a gateway settling its calls' spend): one answer each, in order.
      if (batch.size() > MAX_BATCH) {
        message.fail(400, "at most " + MAX_BATCH + " quotes in a batch");
        return;
      }
      JsonArray costs = new JsonArray();
      for (int i = 0; i < batch.size(); i++) {
        Object one = batch.getValue(i);
        Object answer = one instanceof JsonObject quote ? quote(quote) : null;
        if (answer instanceof String problem) {
          message.fail(400, "batch[" + i + "]: " + problem);
          return;
        }
        costs.add(answer);
      }
      message.reply(new JsonObject().put("costs", costs));
      return;
    }
    if (!(message.body() instanceof JsonObject ask)) {
      message.fail(400, ASK);
      return;
    }
    if (Boolean.TRUE.equals(ask.getValue("sheet"))) {
      // A gateway keeping the model's price to price its calls itself.
      if (!(ask.getValue("provider") instanceof String provider)
          || ask.getValue("model") != null && !(ask.getValue("model") instanceof String)) {
        message.fail(400, "Ask for a price sheet with {\"provider\", \"model\", \"sheet\": true}");
        return;
      }
      ModelPrice price = book.sheet(provider, ask.getString("model"), clock.getAsLong());
      message.reply(new JsonObject().put("price", price == null ? null : PriceSheets.toJson(price)));
      return;
    }
    Object answer = quote(ask);
    if (answer instanceof String problem) {
      message.fail(400, problem);
    } else {
      message.reply(new JsonObject().put("costUsd", answer));
    }
  }

  private static final String ASK =
      "Ask with {\"provider\", \"model\", \"in\", \"out\", \"cached\", \"cacheWrite\", \"reasoning\"}";

  /** The cost ({@code BigDecimal}, or {@code null} without a price), or a {@code String} saying what is wrong. */
  private Object quote(JsonObject ask) {
    if (!(ask.getValue("provider") instanceof String provider)) {
      return ASK;
    }
    Object model = ask.getValue("model");
    long[] counts = new long[COUNTS.length];
    for (int i = 0; i < COUNTS.length; i++) {
      Object count = ask.getValue(COUNTS[i]);
      if (count != null && !(count instanceof Integer || count instanceof Long)) {
        return COUNTS[i] + " must be a token count (a whole number, -1 when unknown)";
      }
      counts[i] = count == null ? -1 : Math.max(-1, ((Number) count).longValue());
    }
    if (model != null && !(model instanceof String)) {
      return "model must be a string";
    }
    return book.quote(provider, (String) model,
        new TokenCounts(counts[0], counts[1], counts[2], counts[3], counts[4]), clock.getAsLong()).costUsd();
  }
}
