package dev.portcullis.policy.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyDocumentParserTest {

  /** The example of the issue. */
  static final String EXAMPLE = """
      {"toolInvocation":[{"tool":"send_*","action":"block"},
        {"tool":"fetch_url","argument":"$.url","matches":"^https://intranet\\\\.","action":"block"}],
       "trustedData":{"default":"untrusted","rules":[{"tool":"read_*","trust":"trusted"}]},
       "sensitiveData":[{"detector":"aws-access-key","action":"block"},{"detector":"email","action":"redact"}]}""";

  @Test
  void theIssuesExampleReadsAndIsWrittenCanonically() {
    PolicyDocument document = PolicyDocumentParser.parse(EXAMPLE);

    assertThat(document.toolInvocation()).hasSize(2);
    assertThat(document.toolInvocation().get(1).argument().condition())
        .isEqualTo(new ValueCondition.Matches(TextPattern.of("^https://intranet\\.")));
    assertThat(document.trustedData().defaultTrust()).isEqualTo(Trust.UNTRUSTED);
    assertThat(document.sensitiveData()).containsExactly(
        new SensitiveRule(null, "aws-access-key", SensitiveAction.BLOCK, Direction.REQUEST),
        new SensitiveRule(null, "email", SensitiveAction.REDACT, Direction.REQUEST));
    assertThat(document.toJsonText()).isEqualTo("{\"toolInvocation\":[{\"tool\":\"send_*\",\"action\":\"block\"},"
        + "{\"tool\":\"fetch_url\",\"argument\":\"$.url\",\"matches\":\"^https://intranet\\\\.\",\"action\":\"block\"}],"
        + "\"trustedData\":{\"default\":\"untrusted\",\"rules\":[{\"tool\":\"read_*\",\"trust\":\"trusted\"}]},"
        + "\"sensitiveData\":[{\"detector\":\"aws-access-key\",\"action\":\"block\",\"direction\":\"request\"},"
        + "{\"detector\":\"email\",\"action\":\"redact\",\"direction\":\"request\"}]}");
    assertThat(PolicyDocumentParser.parse(document.toJson())).isEqualTo(document);
    assertThat(PolicyDocumentParser.parse(document.toJsonText()).toJsonText()).isEqualTo(document.toJsonText());
  }

  @Test
  void everyPartIsOptionalAndAnEmptyDocumentIsEmpty() {
    PolicyDocument empty = PolicyDocumentParser.parse("{}");
    assertThat(empty).isEqualTo(PolicyDocument.EMPTY);
    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.toJson()).isEqualTo(new JsonObject().put("toolInvocation", new JsonArray())
        .put("trustedData", new JsonObject().put("default", "untrusted").put("rules", new JsonArray()))
        .put("sensitiveData", new JsonArray()));
    assertThat(PolicyDocumentParser.parse("{\"trustedData\":{}}").isEmpty()).isTrue();
    assertThat(PolicyDocumentParser.parse("{\"trustedData\":{\"default\":\"trusted\"}}").isEmpty()).isFalse();
  }

  @Test
  void everyConditionAndOptionalFieldRoundTrips() {
    String text = """
        {"toolInvocation":[
          {"id":"eq","tool":"a","argument":"$.n","equals":{"x":[1,2.5,null,true]},"action":"allow"},
          {"tool":"b?","argument":"$['file name']","prefix":"/etc/","action":"block_when_context_untrusted"},
          {"tool":"c*","argument":"$.items[*].host","in":["x",2,null],"action":"allow_when_context_untrusted"},
          {"tool":"d","argument":"$.n","equals":null,"action":"block"}],
         "trustedData":{"default":"trusted","rules":[{"id":"web","tool":"fetch_*","resultMatches":"(?i)ignore previous",
           "trust":"blocked"}]},
         "sensitiveData":[{"id":"mail","detector":"email","action":"log","direction":"both"},
           {"detector":"iban","action":"redact","direction":"answer"},{"detector":"iban","action":"block"}]}""";
    PolicyDocument document = PolicyDocumentParser.parse(text);

    assertThat(document.toolInvocation()).extracting(ToolRule::id).containsExactly("eq", null, null, null);
    assertThat(document.toolInvocation().get(3).argument().condition())
        .isEqualTo(new ValueCondition.Equals(JsonNodeFactory.instance.nullNode()));
    assertThat(document.trustedData().rules().get(0).trust()).isEqualTo(Trust.BLOCKED);
    assertThat(PolicyDocumentParser.parse(document.toJsonText())).isEqualTo(document);
    assertThat(document.toJson().getJsonArray("toolInvocation").getJsonObject(3).containsKey("equals")).isTrue();
    assertThat(document.toJson().getJsonArray("toolInvocation").getJsonObject(1).containsKey("id")).isFalse();
  }

  @Test
  void theDocumentMustBeAnObjectWithKnownParts() {
    refused("[]", null);
    refused("\"x\"", null);
    refused("{\"tools\":[]}", "tools");
    refused("{\"toolInvocation\":{}}", "toolInvocation");
    refused("{\"toolInvocation\":null}", "toolInvocation");
    refused("{\"toolInvocation\":[1]}", "toolInvocation[0]");
    refused("{\"trustedData\":[]}", "trustedData");
    refused("{\"sensitiveData\":\"email\"}", "sensitiveData");
  }

  @Test
  void textIsReadStrictly() {
    refused("{not json", null);
    refused("{\"toolInvocation\":[],\"toolInvocation\":[]}", null);
  }

  @Test
  void toolRulesRefuseEachBadField() {
    refusedTool("{\"tool\":\"a\",\"action\":\"block\",\"colour\":1}", "toolInvocation[0].colour");
    refusedTool("{\"action\":\"block\"}", "toolInvocation[0].tool");
    refusedTool("{\"tool\":\"\",\"action\":\"block\"}", "toolInvocation[0].tool");
    refusedTool("{\"tool\":7,\"action\":\"block\"}", "toolInvocation[0].tool");
    refusedTool("{\"tool\":\"send [x]\",\"action\":\"block\"}", "toolInvocation[0].tool");
    refusedTool("{\"tool\":\"send_[ab]\",\"action\":\"block\"}", "toolInvocation[0].tool");
    refusedTool("{\"tool\":\"a\"}", "toolInvocation[0].action");
    refusedTool("{\"tool\":\"a\",\"action\":\"deny\"}", "toolInvocation[0].action");
    refusedTool("{\"tool\":\"a\",\"action\":\"BLOCK\"}", "toolInvocation[0].action");
    refusedTool("{\"tool\":\"a\",\"action\":[\"block\"]}", "toolInvocation[0].action");
    refusedTool("{\"id\":\"has space\",\"tool\":\"a\",\"action\":\"block\"}", "toolInvocation[0].id");
    refusedTool("{\"id\":\"" + "x".repeat(65) + "\",\"tool\":\"a\",\"action\":\"block\"}", "toolInvocation[0].id");
    refusedTool("{\"tool\":\"a\",\"equals\":1,\"action\":\"block\"}", "toolInvocation[0].equals");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"action\":\"block\"}", "toolInvocation[0].argument");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"equals\":1,\"prefix\":\"p\",\"action\":\"block\"}",
        "toolInvocation[0].prefix");
    refusedTool("{\"tool\":\"a\",\"argument\":\"url\",\"equals\":1,\"action\":\"block\"}", "toolInvocation[0].argument");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$['x\",\"equals\":1,\"action\":\"block\"}", "toolInvocation[0].argument");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.\",\"equals\":1,\"action\":\"block\"}", "toolInvocation[0].argument");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.a[?(@.b =~ /x/)]\",\"equals\":1,\"action\":\"block\"}",
        "toolInvocation[0].argument");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.a.length()\",\"equals\":1,\"action\":\"block\"}",
        "toolInvocation[0].argument");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"matches\":\"(?<=a)b\",\"action\":\"block\"}",
        "toolInvocation[0].matches");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"matches\":\"(a\",\"action\":\"block\"}", "toolInvocation[0].matches");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"matches\":\"((a{100}){100}){100}\",\"action\":\"block\"}",
        "toolInvocation[0].matches");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"matches\":1,\"action\":\"block\"}", "toolInvocation[0].matches");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"prefix\":null,\"action\":\"block\"}", "toolInvocation[0].prefix");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"in\":[],\"action\":\"block\"}", "toolInvocation[0].in");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"in\":\"x\",\"action\":\"block\"}", "toolInvocation[0].in");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"in\":[\"" + "x".repeat(4097) + "\"],\"action\":\"block\"}",
        "toolInvocation[0].in[0]");
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"equals\":{\"k\":\"" + "x".repeat(4097) + "\"},\"action\":\"block\"}",
        "toolInvocation[0].equals.k");
  }

  @Test
  void limitsAreRefusedWithTheField() {
    refusedTool("{\"tool\":\"" + "a".repeat(4097) + "\",\"action\":\"block\"}", "toolInvocation[0].tool");
    String rule = "{\"tool\":\"a\",\"action\":\"block\"}";
    String tooMany = "{\"toolInvocation\":[" + String.join(",", java.util.Collections.nCopies(1001, rule)) + "]}";
    refused(tooMany, "toolInvocation");
    String enough = "{\"toolInvocation\":[" + String.join(",", java.util.Collections.nCopies(1000, rule)) + "]}";
    assertThat(PolicyDocumentParser.parse(enough).toolInvocation()).hasSize(1000);
    String values = "[" + String.join(",", java.util.Collections.nCopies(1001, "1")) + "]";
    refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"in\":" + values + ",\"action\":\"block\"}", "toolInvocation[0].in");
    assertThatThrownBy(() -> PolicyDocumentParser.parse("{\"toolInvocation\":[{\"tool\":\"a\",\"argument\":\"$.x\","
        + "\"equals\":" + "[".repeat(40) + "]".repeat(40) + ",\"action\":\"block\"}]}"))
        .isInstanceOf(PolicyDocumentException.class).hasMessageContaining("nests deeper")
        .extracting("field").asString().startsWith("toolInvocation[0].equals[0]");

    ObjectNode infinite = JsonNodeFactory.instance.objectNode();
    infinite.putArray("toolInvocation").addObject().put("tool", "a").put("argument", "$.x")
        .put("equals", Double.POSITIVE_INFINITY).put("action", "block");
    assertThatThrownBy(() -> PolicyDocumentParser.parse((JsonNode) infinite)).isInstanceOf(PolicyDocumentException.class)
        .extracting("field").isEqualTo("toolInvocation[0].equals");
  }

  @Test
  void idsAreUniqueAcrossTheDocument() {
    refused("{\"toolInvocation\":[{\"id\":\"x\",\"tool\":\"a\",\"action\":\"block\"}],"
        + "\"trustedData\":{\"rules\":[{\"id\":\"x\",\"tool\":\"a\",\"trust\":\"trusted\"}]}}", "trustedData.rules[0].id");
  }

  @Test
  void trustedDataRefusesEachBadField() {
    refused("{\"trustedData\":{\"default\":\"blocked\"}}", "trustedData.default");
    refused("{\"trustedData\":{\"default\":\"maybe\"}}", "trustedData.default");
    refused("{\"trustedData\":{\"fallback\":\"trusted\"}}", "trustedData.fallback");
    refused("{\"trustedData\":{\"rules\":[{\"tool\":\"a\"}]}}", "trustedData.rules[0].trust");
    refused("{\"trustedData\":{\"rules\":[{\"tool\":\"a\",\"trust\":\"sure\"}]}}", "trustedData.rules[0].trust");
    refused("{\"trustedData\":{\"rules\":[{\"trust\":\"trusted\"}]}}", "trustedData.rules[0].tool");
    refused("{\"trustedData\":{\"rules\":[{\"tool\":\"a\",\"trust\":\"trusted\",\"resultMatches\":\"\\\\1\"}]}}",
        "trustedData.rules[0].resultMatches");
    refused("{\"trustedData\":{\"rules\":[{\"tool\":\"a\",\"trust\":\"trusted\",\"argument\":\"$.x\"}]}}",
        "trustedData.rules[0].argument");
  }

  @Test
  void sensitiveDataRefusesEachBadFieldAndDuplicates() {
    refused("{\"sensitiveData\":[{\"detector\":\"ssn\",\"action\":\"block\"}]}", "sensitiveData[0].detector");
    refused("{\"sensitiveData\":[{\"action\":\"block\"}]}", "sensitiveData[0].detector");
    refused("{\"sensitiveData\":[{\"detector\":\"email\"}]}", "sensitiveData[0].action");
    refused("{\"sensitiveData\":[{\"detector\":\"email\",\"action\":\"drop\"}]}", "sensitiveData[0].action");
    refused("{\"sensitiveData\":[{\"detector\":\"email\",\"action\":\"log\",\"direction\":\"up\"}]}",
        "sensitiveData[0].direction");
    refused("{\"sensitiveData\":[{\"detector\":\"email\",\"action\":\"log\"},{\"detector\":\"email\",\"action\":\"block\"}]}",
        "sensitiveData[1].detector");
    refused("{\"sensitiveData\":[{\"detector\":\"email\",\"action\":\"log\",\"direction\":\"answer\"},"
        + "{\"detector\":\"email\",\"action\":\"block\",\"direction\":\"both\"}]}", "sensitiveData[1].detector");
    PolicyDocument bothSides = PolicyDocumentParser.parse("{\"sensitiveData\":[{\"detector\":\"email\",\"action\":\"log\","
        + "\"direction\":\"answer\"},{\"detector\":\"email\",\"action\":\"block\"}]}");
    assertThat(bothSides.sensitiveData()).hasSize(2);
  }

  @Test
  void everyDetectorOfTheIssueIsKnown() {
    for (String detector : List.of("aws-access-key", "private-key", "jwt", "provider-api-key", "virtual-key", "email",
        "card-number", "phone", "iban")) {
      assertThat(PolicyDocumentParser.parse("{\"sensitiveData\":[{\"detector\":\"" + detector + "\",\"action\":\"redact\"}]}")
          .sensitiveData()).hasSize(1);
    }
  }

  @Test
  void messagesSayWhatIsExpectedAndQuoteLittleOfTheInput() {
    String junk = "x".repeat(3000);
    PolicyDocumentException unknownAction = refusedTool("{\"tool\":\"a\",\"action\":\"" + junk + "\"}",
        "toolInvocation[0].action");
    assertThat(unknownAction.getMessage()).contains("allow, block, block_when_context_untrusted, "
        + "allow_when_context_untrusted").doesNotContain("x".repeat(101));
    PolicyDocumentException unknownField = refused("{\"" + junk + "\":1}", "x".repeat(100) + "...");
    assertThat(unknownField.getMessage()).contains("toolInvocation, trustedData, sensitiveData")
        .doesNotContain("x".repeat(101));
    PolicyDocumentException badRegex = refusedTool("{\"tool\":\"a\",\"argument\":\"$.x\",\"matches\":\"(" + junk
        + "\",\"action\":\"block\"}", "toolInvocation[0].matches");
    assertThat(badRegex.getMessage()).contains("RE2").doesNotContain("x".repeat(101));
    PolicyDocumentException badPath = refusedTool("{\"tool\":\"a\",\"argument\":\"$['" + junk
        + "\",\"equals\":1,\"action\":\"block\"}", "toolInvocation[0].argument");
    assertThat(badPath.getMessage()).contains("$.url").doesNotContain("x".repeat(101));
    PolicyDocumentException badDetector = refused("{\"sensitiveData\":[{\"detector\":\"" + junk + "\",\"action\":\"log\"}]}",
        "sensitiveData[0].detector");
    assertThat(badDetector.getMessage()).contains("aws-access-key").doesNotContain("x".repeat(101));
  }

  private static PolicyDocumentException refusedTool(String rule, String field) {
    return refused("{\"toolInvocation\":[" + rule + "]}", field);
  }

  private static PolicyDocumentException refused(String document, String field) {
    try {
      PolicyDocumentParser.parse(document);
    } catch (PolicyDocumentException e) {
      assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
      assertThat(e.getMessage()).isNotBlank();
      return e;
    }
    throw new AssertionError("accepted: " + document.substring(0, Math.min(200, document.length())));
  }
}
