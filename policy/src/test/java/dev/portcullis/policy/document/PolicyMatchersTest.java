package dev.portcullis.policy.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tool globs, JSON paths, value conditions and regular expressions, each on its own. */
class PolicyMatchersTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void globsMatchWholeNamesCaseSensitively() {
    ToolGlob send = ToolGlob.of("send_*");
    assertThat(send.matches("send_email")).isTrue();
    assertThat(send.matches("send_")).isTrue();
    assertThat(send.matches("resend_email")).isFalse();
    assertThat(send.matches("Send_email")).isFalse();
    assertThat(send.matches(null)).isFalse();

    ToolGlob one = ToolGlob.of("get_?");
    assertThat(one.matches("get_a")).isTrue();
    assertThat(one.matches("get_")).isFalse();
    assertThat(one.matches("get_ab")).isFalse();

    assertThat(ToolGlob.of("*").matches("anything.at/all")).isTrue();
    assertThat(ToolGlob.of("*_file*").matches("read_file_v2")).isTrue();
    assertThat(ToolGlob.of("fs.read").matches("fs.read")).isTrue();
    assertThat(ToolGlob.of("fs.read").matches("fsxread")).isFalse();
    assertThat(ToolGlob.of("a+b*").matches("a+bc")).isTrue();
    assertThat(ToolGlob.of("a+b*").matches("aabc")).isFalse();
    assertThat(ToolGlob.of("(x)*").matches("(x)y")).isTrue();
  }

  @Test
  void globsRefuseSyntaxTheyDoNotHave() {
    for (String bad : List.of("", "a b", "a\tb", "send_[ab]", "x{1,2}", "a\\*")) {
      assertThatThrownBy(() -> ToolGlob.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void pathsFindEveryValueOrNone() throws Exception {
    JsonNode arguments = JSON.readTree("""
        {"url":"https://intranet.example/x","file name":"/etc/passwd","n":3,
         "items":[{"host":"a.example"},{"host":"b.example"}],"tags":["x","y"],"nested":{"deep":{"url":"https://z"}}}""");
    assertThat(ArgumentPath.of("$.url").read(arguments)).extracting(JsonNode::textValue)
        .containsExactly("https://intranet.example/x");
    assertThat(ArgumentPath.of("$['file name']").read(arguments)).extracting(JsonNode::textValue)
        .containsExactly("/etc/passwd");
    assertThat(ArgumentPath.of("$.tags[1]").read(arguments)).extracting(JsonNode::textValue).containsExactly("y");
    assertThat(ArgumentPath.of("$.tags[*]").read(arguments)).extracting(JsonNode::textValue).containsExactly("x", "y");
    assertThat(ArgumentPath.of("$.items[*].host").read(arguments)).extracting(JsonNode::textValue)
        .containsExactly("a.example", "b.example");
    assertThat(ArgumentPath.of("$..url").read(arguments)).extracting(JsonNode::textValue)
        .containsExactlyInAnyOrder("https://intranet.example/x", "https://z");
    assertThat(ArgumentPath.of("$").read(arguments)).containsExactly(arguments);
    assertThat(ArgumentPath.of("$.missing").read(arguments)).isEmpty();
    assertThat(ArgumentPath.of("$.url.deeper").read(arguments)).isEmpty();
    assertThat(ArgumentPath.of("$.url").read(JSON.readTree("[1,2]"))).isEmpty();
  }

  @Test
  void pathsRefuseWhatIsNotAPathAndTheBacktrackingFilter() {
    for (String bad : List.of("url", "", "$.", "$[", "$['x", "$.a[?(@.b =~ /x+/)]", "$.tags.length()", "@.x")) {
      assertThatThrownBy(() -> ArgumentPath.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(ArgumentPath.of("$.headers[?(@.name == 'Host')].value").text()).startsWith("$.headers");
  }

  @Test
  void conditionsCompareAsJson() throws Exception {
    ValueCondition equalsOne = new ValueCondition.Equals(JSON.readTree("1"));
    assertThat(equalsOne.test(JSON.readTree("1"))).isTrue();
    assertThat(equalsOne.test(JSON.readTree("1.0"))).isTrue();
    assertThat(equalsOne.test(JSON.readTree("\"1\""))).isFalse();
    ValueCondition equalsObject = new ValueCondition.Equals(JSON.readTree("{\"a\":1,\"b\":[true,null]}"));
    assertThat(equalsObject.test(JSON.readTree("{\"b\":[true,null],\"a\":1.0}"))).isTrue();
    assertThat(equalsObject.test(JSON.readTree("{\"b\":[null,true],\"a\":1}"))).isFalse();

    ValueCondition matches = new ValueCondition.Matches(TextPattern.of("^https://intranet\\."));
    assertThat(matches.test(JSON.readTree("\"https://intranet.example\""))).isTrue();
    assertThat(matches.test(JSON.readTree("\"see https://intranet.example\""))).isFalse();
    assertThat(new ValueCondition.Matches(TextPattern.of("intranet")).test(JSON.readTree("\"x intranet y\""))).isTrue();
    assertThat(new ValueCondition.Matches(TextPattern.of("^4\\d$")).test(JSON.readTree("42"))).isTrue();
    assertThat(matches.test(JSON.readTree("[\"https://intranet.example\"]"))).isFalse();
    assertThat(matches.test(JSON.readTree("null"))).isFalse();

    ValueCondition prefix = new ValueCondition.Prefix("/etc/");
    assertThat(prefix.test(JSON.readTree("\"/etc/passwd\""))).isTrue();
    assertThat(prefix.test(JSON.readTree("\"/home/etc/\""))).isFalse();
    assertThat(prefix.test(JSON.readTree("{\"p\":\"/etc/\"}"))).isFalse();

    ValueCondition in = new ValueCondition.In(List.of(JSON.readTree("\"rm\""), JSON.readTree("2"), JSON.readTree("null")));
    assertThat(in.test(JSON.readTree("\"rm\""))).isTrue();
    assertThat(in.test(JSON.readTree("2.0"))).isTrue();
    assertThat(in.test(JSON.readTree("null"))).isTrue();
    assertThat(in.test(JSON.readTree("\"ls\""))).isFalse();
  }

  @Test
  void anArgumentCheckHoldsWhenAnyFoundValueMeetsItAndNeverWhenNoneIsFound() throws Exception {
    ArgumentCheck anyHost = new ArgumentCheck(ArgumentPath.of("$.items[*].host"),
        new ValueCondition.Prefix("evil."));
    assertThat(anyHost.holds(JSON.readTree("{\"items\":[{\"host\":\"good.a\"},{\"host\":\"evil.b\"}]}"))).isTrue();
    assertThat(anyHost.holds(JSON.readTree("{\"items\":[{\"host\":\"good.a\"}]}"))).isFalse();
    assertThat(anyHost.holds(JSON.readTree("{\"items\":[]}"))).isFalse();
    assertThat(anyHost.holds(JSON.readTree("{}"))).isFalse();
    ArgumentCheck notNull = new ArgumentCheck(ArgumentPath.of("$.x"), new ValueCondition.Equals(JSON.readTree("null")));
    assertThat(notNull.holds(JSON.readTree("{}"))).isFalse();
    assertThat(notNull.holds(JSON.readTree("{\"x\":null}"))).isTrue();
  }

  @Test
  void aCatastrophicBacktrackingPatternRunsInLinearTime() {
    TextPattern pattern = TextPattern.of("(a+)+$");
    String input = "a".repeat(50_000) + "!";
    assertThat(pattern.find(input)).isFalse();
    assertThat(TextPattern.of("(x+x+)+y").find("x".repeat(50_000))).isFalse();
  }

  @Test
  void patternsAreSearchedAndRefusedWhenNotRe2() {
    assertThat(TextPattern.of("ignore (all )?previous").find("Please IGNORE previous")).isFalse();
    assertThat(TextPattern.of("(?i)ignore (all )?previous").find("Please IGNORE previous")).isTrue();
    for (String bad : List.of("(?=x)", "(a)\\1", "[z-a]", "a{1001}", "(", "(?<=a)b")) {
      assertThatThrownBy(() -> TextPattern.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("RE2");
    }
  }

  @Test
  void nestedCountedRepetitionsAreRefusedBeforeCompiling() {
    assertThat(RegexBudget.estimate("abc")).isEqualTo(3);
    assertThat(RegexBudget.estimate("a{10}")).isEqualTo(10);
    assertThat(RegexBudget.estimate("(ab){10}|c")).isEqualTo(21);
    assertThat(RegexBudget.estimate("[a-z{}]{5}")).isEqualTo(5);
    assertThat(RegexBudget.estimate("\\p{Greek}{3}")).isEqualTo(3);
    assertThat(RegexBudget.estimate("x{,5}")).isEqualTo(5);
    TextPattern.of("[0-9]{1,1000}[a-z]{1,50}");
    assertThatThrownBy(() -> TextPattern.of("((((a{1000}){1000}){1000}){1000})"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeats too much");
    assertThatThrownBy(() -> TextPattern.of("(?:a{400}){400}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void excerptsAreShortAndOnOneLine() {
    assertThat(Excerpt.of("a\nb")).isEqualTo("a?b");
    assertThat(Excerpt.of("x".repeat(500))).isEqualTo("x".repeat(100) + "...");
  }
}
