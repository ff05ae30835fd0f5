package dev.portcullis.policy.document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes the canonical form of a document: every part present, fields in a fixed order, defaults
 * written out ({@code trustedData.default}, each sensitive rule's {@code direction}); a rule's
 * {@code id} only when the document gave one, so positions never turn into labels.
 */
final class PolicyDocumentWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PolicyDocumentWriter() {}

  static String write(PolicyDocument document) {
    ObjectNode root = NODES.objectNode();
    ArrayNode tools = root.putArray("toolInvocation");
    document.toolInvocation().forEach(rule -> tools.add(toolRule(rule)));
    ObjectNode trusted = root.putObject("trustedData");
    trusted.put("default", document.trustedData().defaultTrust().word());
    ArrayNode trustRules = trusted.putArray("rules");
    document.trustedData().rules().forEach(rule -> trustRules.add(trustRule(rule)));
    ArrayNode sensitive = root.putArray("sensitiveData");
    document.sensitiveData().forEach(rule -> sensitive.add(sensitiveRule(rule)));
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode toolRule(ToolRule rule) {
    ObjectNode json = withId(rule.id()).put("tool", rule.tool().text());
    if (rule.argument() != null) {
      json.put("argument", rule.argument().path().text());
      ValueCondition condition = rule.argument().condition();
      // Java 17: no pattern matching in switch yet.
      if (condition instanceof ValueCondition.Equals equals) {
        json.set("equals", equals.expected());
      } else if (condition instanceof ValueCondition.Matches matches) {
        json.put("matches", matches.pattern().text());
      } else if (condition instanceof ValueCondition.Prefix prefix) {
        json.put("prefix", prefix.prefix());
      } else if (condition instanceof ValueCondition.In in) {
        json.set("in", NODES.arrayNode().addAll(List.copyOf(in.values())));
      }
    }
    return json.put("action", rule.action().word());
  }

  private static ObjectNode trustRule(TrustRule rule) {
    ObjectNode json = withId(rule.id()).put("tool", rule.tool().text());
    if (rule.resultMatches() != null) {
      json.put("resultMatches", rule.resultMatches().text());
    }
    return json.put("trust", rule.trust().word());
  }

  private static ObjectNode sensitiveRule(SensitiveRule rule) {
    return withId(rule.id()).put("detector", rule.detector()).put("action", rule.action().word())
        .put("direction", rule.direction().word());
  }

  private static ObjectNode withId(String id) {
    ObjectNode json = NODES.objectNode();
    if (id != null) {
      json.put("id", id);
    }
    return json;
  }
}
