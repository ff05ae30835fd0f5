package dev.portcullis.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParametersTest {

  private static final List<String> KEY = List.of("key");

  @ParameterizedTest
  @ValueSource(strings = {"key=x", "KEY=x", "Key=x", "%6Bey=x", "%6bey=x", "k%65y=x", "%6B%65%79=x", "%4B%45%59=x",
      "key", "key=", "k%65y"})
  void everySpellingOfTheNameIsRemoved(String pair) {
    assertThat(QueryParameters.without("alt=sse&" + pair + "&pageSize=2", KEY)).isEqualTo("alt=sse&pageSize=2");
  }

  @Test
  void otherParametersAreKeptByteForByteAndInOrder() {
    assertThat(QueryParameters.without("a=%2F%zz&keyish=1&monkey=2&key%20=3&b", KEY))
        .isEqualTo("a=%2F%zz&keyish=1&monkey=2&key%20=3&b");
    assertThat(QueryParameters.without("%zz&%=1&%4=2&caf%C3%A9=%F0%9F%98%80", KEY))
        .isEqualTo("%zz&%=1&%4=2&caf%C3%A9=%F0%9F%98%80");
  }

  @Test
  void emptyPairsGoAndAnEmptyResultIsNull() {
    assertThat(QueryParameters.without("&&key=1&&", KEY)).isNull();
    assertThat(QueryParameters.without("a=1&&b=2&", KEY)).isEqualTo("a=1&b=2");
    assertThat(QueryParameters.without(null, KEY)).isNull();
    assertThat(QueryParameters.without("", KEY)).isNull();
  }

  @Test
  void severalNamesAtOnce() {
    assertThat(QueryParameters.without("key=1&access_token=2&%75serProject=3&alt=sse",
        List.of("key", "access_token", "userProject"))).isEqualTo("alt=sse");
  }

  @Test
  void namesAreDecodedAsUtf8WithPlusAsSpace() {
    assertThat(QueryParameters.decodedName("caf%C3%A9=1")).isEqualTo("café");
    assertThat(QueryParameters.decodedName("a+b=1")).isEqualTo("a b");
    assertThat(QueryParameters.decodedName("\uD83D\uDE00%21")).isEqualTo("\uD83D\uDE00!");
    assertThat(QueryParameters.decodedName("50%")).isEqualTo("50%");
  }
}
