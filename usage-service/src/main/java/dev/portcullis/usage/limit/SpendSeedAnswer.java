package dev.portcullis.usage.limit;

import dev.portcullis.common.limit.LimitRule;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code portcullis.limits.spent}, {@code {"ruleId": id}}, with what the ledger holds of
 * the rule's spend window: {@code {"revision": r, "buckets": {"<bucket>": nanoUsd, ...}}}
 * ({@link LedgerSpend}), which the first gateway to use the rule's spend counter seeds it with.
 * The rule is the one held in memory; its revision tells the asker whether it is the rule it
 * holds. A rule that does not exist, or sets no spend limit, fails the message with 404; a
 * database that does not answer, with 503.
 */
public final class SpendSeedAnswer implements Handler<Message<Object>> {

  private static final Logger LOG = LoggerFactory.getLogger(SpendSeedAnswer.class);

  private final LimitDirectory directory;
  private final LedgerSpend ledger;

  public SpendSeedAnswer(LimitDirectory directory, LedgerSpend ledger) {
    this.directory = directory;
    this.ledger = ledger;
  }

  @Override
  public void handle(Message<Object> message) {
    if (!(message.body() instanceof JsonObject ask) || !(ask.getValue("ruleId") instanceof String ruleId)) {
      message.fail(400, "Ask with {\"ruleId\": <limit rule id>}");
      return;
    }
    LimitRule rule = directory.current().rule(ruleId);
    if (rule == null) {
      message.fail(404, "No limit rule has this id");
      return;
    }
    if (rule.spendUsd() == null) {
      message.fail(404, "Limit rule " + rule.id() + " sets no spend limit (revision " + rule.revision() + ")");
      return;
    }
    ledger.buckets(rule).onComplete(read -> {
      if (read.succeeded()) {
        JsonObject buckets = new JsonObject();
        read.result().forEach((bucket, nanoUsd) -> buckets.put(Long.toString(bucket), nanoUsd));
        message.reply(new JsonObject().put("revision", rule.revision()).put("buckets", buckets));
      } else {
        LOG.warn("Could not read the spend of limit rule {}: {}", rule.id(), read.cause().toString());
        message.fail(503, "the usage store is unavailable");
      }
    });
  }
}
