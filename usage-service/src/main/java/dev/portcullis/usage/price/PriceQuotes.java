package dev.portcullis.usage.price;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.LongSupplier;

/**
 * Answers {@code portcullis.usage.quote}: what a call's tokens cost now, from the price book the
 * ledger prices records with, so that a gateway counts a call's spend against a limit as the
 * ledger will record it. {@code {"provider", "model", "in", "out", "cached", "cacheWrite",
 * "reasoning"}} (counts as {@code Usage} defines them, -1 or absent: unknown) is answered with
 * {@code {"costUsd": number}}, or {@code {"costUsd": null}} when the model has no price or neither
 * input nor output is known. From memory only: overrides and catalog lookups are held there.
 */
public final class PriceQuotes implements Handler<Message<Object>> {

  private static final String[] COUNTS = {"in", "out", "cached", "cacheWrite", "reasoning"};

  private final PriceBook book;
  private final LongSupplier clock;

  public PriceQuotes(PriceBook book, LongSupplier clock) {
    this.book = book;
    this.clock = clock;
  }

  @Override
  public void handle(Message<Object> message) {
    if (!(message.body() instanceof JsonObject ask) || !(ask.getValue("provider") instanceof String provider)) {
      message.fail(400, "Ask with {\"provider\", \"model\", \"in\", \"out\", \"cached\", \"cacheWrite\", \"reasoning\"}");
      return;
    }
    Object model = ask.getValue("model");
    long[] counts = new long[COUNTS.length];
    for (int i = 0; i < COUNTS.length; i++) {
      Object count = ask.getValue(COUNTS[i]);
      if (count != null && !(count instanceof Integer || count instanceof Long)) {
        message.fail(400, COUNTS[i] + " must be a token count (a whole number, -1 when unknown)");
        return;
      }
      counts[i] = count == null ? -1 : Math.max(-1, ((Number) count).longValue());
    }
    if (model != null && !(model instanceof String)) {
      message.fail(400, "model must be a string");
      return;
    }
    Priced priced = book.quote(provider, (String) model,
        new TokenCounts(counts[0], counts[1], counts[2], counts[3], counts[4]), clock.getAsLong());
    message.reply(new JsonObject().put("costUsd", priced.costUsd()));
  }
}
