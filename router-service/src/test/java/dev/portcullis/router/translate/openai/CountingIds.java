package dev.portcullis.router.translate.openai;

import java.util.HashMap;
import java.util.Map;

/** Predictable ids for tests: {@code call_1}, {@code call_2}, {@code msg_1}, ... per prefix. */
public final class CountingIds implements IdMinter {

  private final Map<String, Integer> counters = new HashMap<>();

  @Override
  public String mint(String prefix) {
    return prefix + counters.merge(prefix, 1, Integer::sum);
  }
}
