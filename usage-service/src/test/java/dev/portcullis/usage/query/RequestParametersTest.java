package dev.portcullis.usage.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestParametersTest {

  private static final Set<String> ALLOWED = Set.of("from", "to", "model");

  @Test
  void decodesPercentEscapesAndPlusAsUtf8() {
    RequestParameters parameters = RequestParameters.parse("model=a%2Fb+c%C3%A9&from=&to", ALLOWED);
    assertThat(parameters.get("model")).isEqualTo("a/b c\u00e9");
    assertThat(parameters.get("from")).isEmpty();
    assertThat(parameters.get("to")).isEmpty();
    assertThat(RequestParameters.parse(null, ALLOWED).get("model")).isNull();
    assertThat(RequestParameters.parse("&model=x&&", ALLOWED).get("model")).isEqualTo("x");
  }

  @Test
  void unknownParametersAreRefusedByName() {
    assertThatThrownBy(() -> RequestParameters.parse("model=x&bar=1&foo=2", ALLOWED))
        .isInstanceOfSatisfying(UsageRequestException.class, refused -> assertThat(refused.parameter()).isNull())
        .hasMessage("Unknown query parameters 'bar', 'foo'; expected from, model, to");
    assertThatThrownBy(() -> RequestParameters.parse("From=2026-12-01", ALLOWED))
        .isInstanceOfSatisfying(UsageRequestException.class,
            refused -> assertThat(refused.parameter()).isEqualTo("From"))
        .hasMessage("Unknown query parameter 'From'; expected from, model, to");
    // A long or odd name is quoted cut short, its control characters escaped.
    assertThatThrownBy(() -> RequestParameters.parse("x".repeat(100) + "%0A=1", ALLOWED))
        .hasMessage("Unknown query parameter '" + "x".repeat(40) + "...'; expected from, model, to");
    assertThatThrownBy(() -> RequestParameters.parse("a%0Db=1", ALLOWED))
        .hasMessage("Unknown query parameter 'a\\u000db'; expected from, model, to");
  }

  @Test
  void repeatedParametersAreRefused() {
    assertThatThrownBy(() -> RequestParameters.parse("model=a&to=x&model=a", ALLOWED))
        .isInstanceOfSatisfying(UsageRequestException.class,
            refused -> assertThat(refused.parameter()).isEqualTo("model"))
        .hasMessage("Query parameter model is given more than once");
    assertThatThrownBy(() -> RequestParameters.parse("m%6Fdel=a&model=b", ALLOWED))
        .hasMessage("Query parameter model is given more than once");
  }

  @Test
  void malformedQueriesAreRefused() {
    assertThatThrownBy(() -> RequestParameters.parse("model=%zz", ALLOWED))
        .hasMessage("Query parameter model has a malformed percent escape or is not UTF-8");
    assertThatThrownBy(() -> RequestParameters.parse("model=%C3", ALLOWED))
        .hasMessage("Query parameter model has a malformed percent escape or is not UTF-8");
    assertThatThrownBy(() -> RequestParameters.parse("model=%ED%A0%80", ALLOWED))
        .hasMessage("Query parameter model has a malformed percent escape or is not UTF-8");
    assertThatThrownBy(() -> RequestParameters.parse("model=abc%4", ALLOWED))
        .hasMessage("Query parameter model has a malformed percent escape or is not UTF-8");
    assertThatThrownBy(() -> RequestParameters.parse("%G0=1", ALLOWED))
        .hasMessage("A query parameter's name has a malformed percent escape or is not UTF-8");
    assertThatThrownBy(() -> RequestParameters.parse("=1", ALLOWED)).hasMessage("A query parameter has no name");
  }

  @Test
  void aQueryLongerThanTheBoundIsRefusedUnread() {
    assertThatThrownBy(() -> RequestParameters.parse("model=" + "a".repeat(10 * 1024), ALLOWED))
        .hasMessage("The query string is longer than 4096 characters");
  }
}
