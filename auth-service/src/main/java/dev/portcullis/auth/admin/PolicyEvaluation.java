package dev.portcullis.auth.admin;

import dev.portcullis.policy.conversation.ApiFamily;
import dev.portcullis.policy.document.PolicyDocument;
import dev.portcullis.policy.document.PolicyDocumentException;
import dev.portcullis.policy.document.PolicyDocumentParser;
import dev.portcullis.policy.evaluate.AnswerDecision;
import dev.portcullis.policy.evaluate.PolicyEngine;
import dev.portcullis.policy.evaluate.RequestDecision;
import dev.portcullis.policy.sensitive.Detectors;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/admin/llm-proxies/{id}/policies/evaluate}: says what a proxy's policies would
 * do to a pasted request or answer, without calling a provider. It runs the very engine the
 * gateway runs ({@link PolicyEngine}), so its answer is the gateway's behaviour.
 *
 * <p>The body: {@code api} (the API family: {@code openai-chat}, {@code openai-responses},
 * {@code anthropic-messages}, {@code gemini}, {@code cohere-chat}, {@code bedrock-converse}, or
 * {@code other} for a JSON body only sensitive data applies to), exactly one of {@code request} or
 * {@code answer} (the JSON the client would send, or the whole answer the provider would give),
 * {@code contextUntrusted} (for a request: the client's {@code x-portcullis-context-untrusted};
 * for an answer: the context its request had), and optionally {@code policies}, a draft document
 * to try instead of the stored one.
 */
final class PolicyEvaluation {

  private static final Set<String> FIELDS = Set.of("api", "request", "answer", "contextUntrusted", "policies");
  private static final Map<String, ApiFamily> FAMILIES = Map.of(
      "openai-chat", ApiFamily.OPENAI_CHAT,
      "openai-responses", ApiFamily.OPENAI_RESPONSES,
      "anthropic-messages", ApiFamily.ANTHROPIC_MESSAGES,
      "gemini", ApiFamily.GEMINI,
      "cohere-chat", ApiFamily.COHERE_CHAT,
      "bedrock-converse", ApiFamily.BEDROCK_CONVERSE);

  private final Detectors detectors;

  PolicyEvaluation(Detectors detectors) {
    this.detectors = detectors;
  }

  /**
   * @param stored the proxy's stored document (canonical JSON), or null when it has none
   * @throws AdminRequestException 400 naming the field at fault
   */
  JsonObject evaluate(String stored, JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw AdminRequestException.badField(field, "Unknown field '" + field + "'; expected " + FIELDS);
      }
    }
    ApiFamily family = family(body.getValue("api"));
    Object request = body.getValue("request");
    Object answer = body.getValue("answer");
    if ((request == null) == (answer == null)) {
      throw AdminRequestException.badField("request", "Give exactly one of 'request' and 'answer'");
    }
    Object pasted = request != null ? request : answer;
    String field = request != null ? "request" : "answer";
    if (!(pasted instanceof JsonObject)) {
      throw AdminRequestException.badField(field, "'" + field + "' must be the JSON object the API carries");
    }
    Object untrusted = body.getValue("contextUntrusted");
    if (untrusted != null && !(untrusted instanceof Boolean)) {
      throw AdminRequestException.badField("contextUntrusted", "'contextUntrusted' must be true or false");
    }
    boolean contextUntrusted = Boolean.TRUE.equals(untrusted);
    PolicyEngine engine = PolicyEngine.of(document(stored, body.getValue("policies")), detectors);
    Buffer bytes = ((JsonObject) pasted).toBuffer();
    return request != null ? onRequest(engine, family, bytes, contextUntrusted)
        : onAnswer(engine, family, bytes, contextUntrusted);
  }

  private static JsonObject onRequest(PolicyEngine engine, ApiFamily family, Buffer bytes, boolean saysUntrusted) {
    RequestDecision decision = engine.onRequest(family, bytes, saysUntrusted);
    JsonObject out = new JsonObject().put("direction", "request")
        .put("decision", decision.refused() ? "refuse" : "forward");
    if (decision.refused()) {
      out.put("rule", decision.refusalRule()).put("message", decision.refusal());
    }
    out.put("context", new JsonObject().put("trust", decision.contextUntrusted() ? "untrusted" : "trusted")
            .put("reason", decision.contextReason()))
        .put("sensitiveData", sensitive(decision.redacted(), decision.logged()))
        .put("answerToolCallsHeld", decision.judge() != null);
    if (!decision.refused() && decision.body() != bytes) {
      out.put("forwarded", new JsonObject(decision.body()));
    }
    return out;
  }

  private static JsonObject onAnswer(PolicyEngine engine, ApiFamily family, Buffer bytes, boolean contextUntrusted) {
    JsonArray blocked = new JsonArray();
    // The judge the gateway would use after a request in that context, its verdicts written down.
    ToolCallJudge judge = engine.toolCallJudge(contextUntrusted);
    ToolCallJudge recording = judge == null ? null : (name, arguments) -> {
      ToolCallJudge.Blocked verdict = judge.judge(name, arguments);
      if (verdict != null) {
        blocked.add(new JsonObject().put("tool", name).put("rule", verdict.ruleId()).put("message", verdict.message()));
      }
      return verdict;
    };
    AnswerDecision decision = engine.onAnswer(family, bytes, recording);
    JsonObject out = new JsonObject().put("direction", "answer")
        .put("decision", decision.refused() ? "refuse" : "deliver");
    if (decision.refused()) {
      out.put("rule", decision.refusalRule()).put("message", decision.refusal());
    }
    out.put("blockedToolCalls", blocked).put("sensitiveData", sensitive(decision.redacted(), decision.logged()));
    if (!decision.refused() && decision.body() != bytes) {
      out.put("delivered", new JsonObject(decision.body()));
    }
    return out;
  }

  private static JsonObject sensitive(Map<String, Integer> redacted, Map<String, Integer> logged) {
    return new JsonObject().put("redacted", new JsonObject(Map.copyOf(redacted)))
        .put("logged", new JsonObject(Map.copyOf(logged)));
  }

  private static ApiFamily family(Object api) {
    if (!(api instanceof String name)) {
      throw AdminRequestException.badField("api", "'api' is required: one of " + FAMILIES.keySet() + " or other");
    }
    String key = name.toLowerCase(Locale.ROOT);
    if ("other".equals(key)) {
      return null;
    }
    ApiFamily family = FAMILIES.get(key);
    if (family == null) {
      throw AdminRequestException.badField("api", "'api' must be one of " + FAMILIES.keySet() + " or other");
    }
    return family;
  }

  private static PolicyDocument document(String stored, Object draft) {
    if (draft == null) {
      return stored == null ? PolicyDocument.EMPTY : PolicyDocumentParser.parse(new JsonObject(stored));
    }
    if (!(draft instanceof JsonObject document)) {
      throw AdminRequestException.badField("policies", "'policies' must be a policy document (a JSON object)");
    }
    try {
      return PolicyDocumentParser.parse(document);
    } catch (PolicyDocumentException refused) {
      throw AdminRequestException.badField("policies." + refused.field(), refused.getMessage());
    }
  }
}
