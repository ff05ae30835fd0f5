package dev.portcullis.router.translate.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random ids: the prefix, then 24 base62 characters, every character of the alphabet in use. */
class IdMinterTest {

  @Test
  void mintsPrefixedBase62IdsThatDoNotRepeat() {
    IdMinter ids = IdMinter.random();
    Set<String> minted = new HashSet<>();
    Set<Character> characters = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      String id = ids.mint("chatcmpl-");
      assertThat(id).startsWith("chatcmpl-").hasSize("chatcmpl-".length() + 24);
      assertThat(id.substring("chatcmpl-".length())).matches("[A-Za-z0-9]{24}");
      minted.add(id);
      id.substring("chatcmpl-".length()).chars().forEach(c -> characters.add((char) c));
    }
    assertThat(minted).hasSize(2_000);
    // 48,000 draws over 62 characters: each one turns up.
    assertThat(characters).hasSize(62);
  }
}
