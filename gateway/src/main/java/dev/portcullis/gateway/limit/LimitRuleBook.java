package dev.portcullis.gateway.limit;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.limit.LimitRule;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limit rules this process enforces, one copy shared by its gateways. Fetched from the ledger
 * ({@code portcullis.limits.rules}) at start, again whenever a change is published
 * ({@code portcullis.limits.events}), and asked every {@code pollMs} whether anything changed, so a
 * lost event still takes effect within that time. Until the first answer the rules are unknown
 * ({@link #loaded()} is false) and calls are treated as when the shared state is unreachable; a
 * failed refresh keeps the rules known last.
 */
public final class LimitRuleBook {

  private static final Logger LOG = LoggerFactory.getLogger(LimitRuleBook.class);
  private static final long FETCH_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final long pollMs;
  private final Promise<Void> firstLoad = Promise.promise();
  private volatile RuleIndex index;
  private boolean fetching;
  private boolean again;
  private boolean failing;
  private long timer = -1;
  private MessageConsumer<JsonObject> events;

  public LimitRuleBook(Vertx vertx, long pollMs) {
    this.vertx = vertx;
    this.pollMs = pollMs;
  }

  /** A book that already holds {@code rules} and never fetches (tests, and gateways without limits). */
  public static LimitRuleBook of(Vertx vertx, List<LimitRule> rules) {
    LimitRuleBook book = new LimitRuleBook(vertx, 0);
    book.index = new RuleIndex(1, rules);
    book.firstLoad.complete();
    return book;
  }

  /** Starts following the rules; the future completes with the first answer (it may never, without a ledger). */
  public Future<Void> start() {
    if (pollMs == 0) {
      // A fixed book: nothing to follow.
      return firstLoad.future();
    }
    vertx.runOnContext(v -> {
      events = vertx.eventBus().consumer(Addresses.LIMITS_EVENTS, message -> fetch());
      timer = vertx.setPeriodic(pollMs, t -> fetch());
      fetch();
    });
    return firstLoad.future();
  }

  public boolean loaded() {
    return index != null;
  }

  /** The rules known now, or {@code null} before the first answer. */
  RuleIndex current() {
    return index;
  }

  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (events != null) {
      events.unregister();
    }
  }

  private void fetch() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    RuleIndex known = index;
    JsonObject ask = known == null ? new JsonObject() : new JsonObject().put("since", known.version());
    vertx.eventBus().<JsonObject>request(Addresses.LIMITS_RULES, ask,
        new DeliveryOptions().setSendTimeout(FETCH_TIMEOUT_MS)).onComplete(ar -> {
          fetching = false;
          if (ar.failed()) {
            if (!failing) {
              failing = true;
              LOG.warn("The limit rules could not be fetched ({}); {}", ar.cause().getMessage(),
                  index == null ? "calls are treated as when the limits' shared state is unreachable until they are"
                      : "the rules known last stay in force");
            }
          } else {
            if (failing) {
              failing = false;
              LOG.info("The limit rules can be fetched again");
            }
            take(ar.result().body());
          }
          if (again) {
            again = false;
            fetch();
          }
        });
  }

  private void take(JsonObject answer) {
    long version = answer.getLong("version", 0L);
    JsonArray rules = answer.getJsonArray("rules");
    if (rules == null) {
      return;
    }
    List<LimitRule> parsed = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      try {
        parsed.add(LimitRule.fromJson(rules.getJsonObject(i)));
      } catch (RuntimeException e) {
        // Rules are checked when they are written; one that does not read is skipped, not guessed at.
        LOG.error("Limit rule {} cannot be read and is not enforced: {}", rules.getJsonObject(i).getString("id"),
            e.getMessage());
      }
    }
    index = new RuleIndex(version, parsed);
    firstLoad.tryComplete();
  }
}
