package dev.portcullis.usage.limit;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Answers {@code portcullis.limits.rules} from memory ({@link LimitDirectory}): {@code {"version":
 * n, "rules": [...]}}, or only {@code {"version": n}} when the asker already holds version
 * {@code n} ({@code {"since": n}}). Any other {@code since} (older, or newer than this ledger has
 * read yet) gets every rule: the asker keeps whichever version is newest.
 */
public final class LimitRulesAnswer implements Handler<Message<Object>> {

  private final LimitDirectory directory;

  public LimitRulesAnswer(LimitDirectory directory) {
    this.directory = directory;
  }

  @Override
  public void handle(Message<Object> message) {
    Object body = message.body();
    if (body != null && !(body instanceof JsonObject)) {
      message.fail(400, "Ask with a JSON object: {} or {\"since\": <version>}");
      return;
    }
    Object since = body == null ? null : ((JsonObject) body).getValue("since");
    if (since != null && !(since instanceof Integer || since instanceof Long)) {
      message.fail(400, "since must be a directory version: a whole number");
      return;
    }
    LimitDirectory.Rules rules = directory.current();
    JsonObject answer = new JsonObject().put("version", rules.version());
    if (since == null || ((Number) since).longValue() != rules.version()) {
      answer.put("rules", rules.json());
    }
    message.reply(answer);
  }
}
