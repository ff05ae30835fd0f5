package dev.portcullis.policy.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.policy.conversation.ApiFamily;
import dev.portcullis.policy.document.PolicyDocumentParser;
import dev.portcullis.policy.sensitive.Detectors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

  private static final String EMAIL = "jane.doe@example.com";
  private static final String AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

  private static PolicyEngine engine(String document) {
    return PolicyEngine.of(PolicyDocumentParser.parse(new JsonObject(document)), Detectors.defaults());
  }

  /** An OpenAI chat request whose history holds one result of {@code tool}. */
  private static Buffer withToolResult(String tool, String result) {
    return Buffer.buffer(new JsonObject().put("model", "gpt-4o").put("messages", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "read my mail"))
        .add(new JsonObject().put("role", "assistant").put("tool_calls", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("id", "c1").put("type", "function")
                .put("function", new JsonObject().put("name", tool).put("arguments", "{}")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "c1").put("content", result))).encode());
  }

  @Test
  void theTrustOfAToolResultIsJudgedOnItsTextAsRedactedInTheSamePass() {
    // The trust rule can only match the placeholder: it sees what the provider will be sent.
    PolicyEngine engine = engine("{\"trustedData\":{\"default\":\"trusted\",\"rules\":[{\"tool\":\"read_*\","
        + "\"resultMatches\":\"\\\\[REDACTED:email\\\\]\",\"trust\":\"untrusted\"}]},"
        + "\"sensitiveData\":[{\"detector\":\"email\",\"action\":\"redact\"}]}");
    RequestDecision decision = engine.onRequest(ApiFamily.OPENAI_CHAT, withToolResult("read_mail", "from " + EMAIL),
        false);
    assertThat(decision.refusal()).isNull();
    assertThat(decision.contextUntrusted()).isTrue();
    assertThat(decision.contextReason()).contains("read_mail").contains("trustedData.rules[0]");
    assertThat(decision.body().toString()).doesNotContain(EMAIL).contains("[REDACTED:email]");
    assertThat(decision.redacted()).isEqualTo(Map.of("email", 1));

    RequestDecision clean = engine.onRequest(ApiFamily.OPENAI_CHAT, withToolResult("read_mail", "nothing"), false);
    assertThat(clean.contextUntrusted()).isFalse();
  }

  @Test
  void aToolResultIsJudgedWithoutSensitiveRulesToo() {
    PolicyEngine engine = engine("{\"trustedData\":{\"default\":\"trusted\",\"rules\":[{\"tool\":\"fetch_*\","
        + "\"trust\":\"blocked\"}]}}");
    RequestDecision decision = engine.onRequest(ApiFamily.OPENAI_CHAT, withToolResult("fetch_url", "page"), false);
    assertThat(decision.refusal()).contains("fetch_url").contains("trustedData.rules[0]");
  }

  @Test
  void aSecretRefusesTheCallBeforeItsConversationIsJudged() {
    PolicyEngine engine = engine("{\"toolInvocation\":[{\"tool\":\"send_*\",\"action\":\"block\"}],"
        + "\"trustedData\":{\"default\":\"untrusted\"},"
        + "\"sensitiveData\":[{\"detector\":\"aws-access-key\",\"action\":\"block\"}]}");
    RequestDecision decision = engine.onRequest(ApiFamily.OPENAI_CHAT, withToolResult("read_mail", AWS_KEY_ID), false);
    assertThat(decision.refusal()).contains("'aws-access-key'").contains("sensitiveData[0]");
    assertThat(decision.refusalRule()).isEqualTo("sensitiveData[0]");
  }

  @Test
  void aRemoteMcpServerIsRefusedWhereAToolRuleCouldBlockAndLetThroughWhereNoneCan() {
    String responses = "{\"model\":\"gpt-5\",\"input\":\"mail Bob\",\"tools\":[{\"type\":\"mcp\","
        + "\"server_label\":\"mailer\",\"server_url\":\"https://mail.example/mcp\"}]}";
    String anthropic = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}],\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://mail.example/mcp\",\"name\":\"mailer\"}]}";
    PolicyEngine blocking = engine("{\"toolInvocation\":[{\"tool\":\"send_*\",\"action\":\"block_when_context_untrusted\"}]}");
    for (var call : Map.of(ApiFamily.OPENAI_RESPONSES, responses, ApiFamily.ANTHROPIC_MESSAGES, anthropic).entrySet()) {
      RequestDecision refused = blocking.onRequest(call.getKey(), Buffer.buffer(call.getValue()), false);
      assertThat(refused.refusal()).as(call.getKey().name()).contains("remote MCP server ('mailer')");
      assertThat(refused.refusalRule()).isEqualTo("toolInvocation");
    }
    PolicyEngine allowing = engine("{\"toolInvocation\":[{\"tool\":\"*\",\"action\":\"allow\"}]}");
    assertThat(allowing.onRequest(ApiFamily.OPENAI_RESPONSES, Buffer.buffer(responses), false).refused()).isFalse();
  }

  /** An OpenAI chat completion with a text and one tool call. */
  private static Buffer chatAnswer(String text, String tool, String arguments) {
    return Buffer.buffer(new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "gpt-4o")
        .put("choices", new io.vertx.core.json.JsonArray().add(new JsonObject().put("index", 0)
            .put("finish_reason", "tool_calls").put("message", new JsonObject().put("role", "assistant").put("content", text)
                .put("tool_calls", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "call_1")
                    .put("type", "function").put("function", new JsonObject().put("name", tool)
                        .put("arguments", arguments))))))).encode());
  }

  @Test
  void aWholeAnswerIsJudgedOnWhatTheModelWroteAndRedactedInTheSamePass() {
    PolicyEngine engine = engine("{\"toolInvocation\":[{\"id\":\"no-outside-mail\",\"tool\":\"send_mail\","
        + "\"argument\":\"$.to\",\"matches\":\"@evil\\\\.example$\",\"action\":\"block\"}],"
        + "\"sensitiveData\":[{\"detector\":\"email\",\"action\":\"redact\",\"direction\":\"answer\"}]}");
    var judge = engine.toolCallJudge(false);

    // The rule matches the address as the model wrote it, though redaction would hide it.
    AnswerDecision blocked = engine.onAnswer(ApiFamily.OPENAI_CHAT,
        chatAnswer("Mailing " + EMAIL, "send_mail", "{\"to\":\"bob@evil.example\"}"), judge);
    assertThat(blocked.blockedCalls()).isEqualTo(1);
    assertThat(blocked.body().toString()).contains("no-outside-mail").contains("[REDACTED:email]")
        .doesNotContain(EMAIL).doesNotContain("bob@evil.example").doesNotContain("tool_calls\":[");
    assertThat(blocked.redacted()).isEqualTo(Map.of("email", 1));

    Buffer allowedAnswer = chatAnswer("Mailing " + EMAIL, "send_mail", "{\"to\":\"" + EMAIL + "\"}");
    AnswerDecision allowed = engine.onAnswer(ApiFamily.OPENAI_CHAT, allowedAnswer, judge);
    assertThat(allowed.blockedCalls()).isZero();
    assertThat(allowed.redacted()).isEqualTo(Map.of("email", 2));
    assertThat(new JsonObject(allowed.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("arguments"))
        .isEqualTo("{\"to\":\"[REDACTED:email]\"}");

    Buffer clean = chatAnswer("Done.", "send_mail", "{\"to\":\"team\"}");
    assertThat(engine.onAnswer(ApiFamily.OPENAI_CHAT, clean, judge).body()).isSameAs(clean);
  }

  @Test
  void aBodyThatIsNotJsonIsRefusedForWhatItHoldsAndSaysWhyNothingWasRedacted() {
    PolicyEngine engine = engine("{\"trustedData\":{\"default\":\"untrusted\"},"
        + "\"sensitiveData\":[{\"detector\":\"email\",\"action\":\"redact\"}]}");
    RequestDecision decision = engine.onRequest(ApiFamily.OPENAI_CHAT,
        Buffer.buffer("{\"messages\":[{\"content\":\"" + EMAIL + "\"}"), false);
    assertThat(decision.refusal()).contains("'email'").contains("not JSON");
    assertThat(decision.refusal()).doesNotContain(EMAIL);
    RequestDecision harmless = engine.onRequest(ApiFamily.OPENAI_CHAT, Buffer.buffer("{\"messages\":["), false);
    assertThat(harmless.refusal()).isNull();
    assertThat(harmless.contextUntrusted()).isFalse();
  }
}
