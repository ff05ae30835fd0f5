package dev.portcullis.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.limit.LimitRuleParser;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway's copy of the rules: fetched at start, again on a change event or the poll, kept when the ledger is gone. */
@Timeout(30)
class LimitRuleBookTest {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong version = new AtomicLong(1);
  private final AtomicInteger fullAnswers = new AtomicInteger();
  private volatile JsonArray rules = new JsonArray();
  private MessageConsumer<JsonObject> ledger;

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private void startLedger() {
    ledger = vertx.eventBus().consumer(Addresses.LIMITS_RULES, m -> {
      long since = m.body().getLong("since", -1L);
      if (since == version.get()) {
        m.reply(new JsonObject().put("version", version.get()));
      } else {
        fullAnswers.incrementAndGet();
        m.reply(new JsonObject().put("version", version.get()).put("rules", rules));
      }
    });
  }

  private static JsonObject rule(String id, String keyId) {
    return LimitRuleParser.parse(new JsonObject().put("name", id).put("appliesTo",
        new JsonObject().put("virtualKeyId", keyId)).put("requestsPerMinute", 5)).stored(id, 1, "t", "t").toJson();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      Thread.sleep(10);
    }
  }

  private static int rulesFor(LimitRuleBook book, String keyId) {
    return book.current().applicable(CallerKind.VIRTUAL_KEY, keyId, null, "openai", "gpt-4o").size();
  }

  @Test
  void aChangeEventBindsAtOnceAndTheRulesStayWhenTheLedgerGoes() throws Exception {
    startLedger();
    rules = new JsonArray().add(rule("lim_a", "vk_1"));
    LimitRuleBook book = new LimitRuleBook(vertx, 60_000);
    assertThat(book.loaded()).isFalse();
    book.start().await();
    assertThat(rulesFor(book, "vk_1")).isEqualTo(1);

    rules = new JsonArray().add(rule("lim_a", "vk_1")).add(rule("lim_b", "vk_1"));
    version.set(2);
    vertx.eventBus().publish(Addresses.LIMITS_EVENTS, new JsonObject().put("version", 2));
    await(() -> rulesFor(book, "vk_1") == 2);

    // The ledger is gone: what was known stays in force.
    ledger.unregister().await();
    vertx.eventBus().publish(Addresses.LIMITS_EVENTS, new JsonObject().put("version", 3));
    Thread.sleep(200);
    assertThat(book.loaded()).isTrue();
    assertThat(rulesFor(book, "vk_1")).isEqualTo(2);
    book.close();
  }

  @Test
  void aLostEventIsMadeUpByThePollWhichFetchesTheRulesOnlyWhenTheyChanged() throws Exception {
    startLedger();
    LimitRuleBook book = new LimitRuleBook(vertx, 100);
    book.start().await();
    Thread.sleep(500);
    assertThat(fullAnswers.get()).as("unchanged rules are not sent again").isEqualTo(1);
    rules = new JsonArray().add(rule("lim_c", "vk_2"));
    version.set(2);
    // No event: the poll finds the new version within its period.
    await(() -> rulesFor(book, "vk_2") == 1);
    book.close();
  }

  @Test
  void aRuleThatDoesNotReadIsSkippedNotGuessedAt() throws Exception {
    startLedger();
    rules = new JsonArray().add(rule("lim_ok", "vk_3")).add(new JsonObject().put("id", "lim_bad").put("name", "x"));
    LimitRuleBook book = new LimitRuleBook(vertx, 60_000);
    book.start().await();
    assertThat(book.current().all()).extracting(r -> r.id()).containsExactly("lim_ok");
    book.close();
  }
}
