package dev.portcullis.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.common.bus.Usage;

/**
 * Anthropic's token counts as they accumulate over a message or a stream. Anthropic reports
 * {@code input_tokens} without the cached part, and cache writes
 * ({@code cache_creation_input_tokens}) and reads ({@code cache_read_input_tokens}) separately;
 * the input a call consumed is the sum of the three, of which the reads are its cached input and
 * the writes its cache writes. Anthropic does not count thinking apart from {@code output_tokens}:
 * reasoning stays unknown. Counts still unknown are -1.
 */
final class AnthropicUsage {

  private String model;
  private long input = -1;
  private long cacheCreation = -1;
  private long cacheRead = -1;
  private long output = -1;

  void model(String name) {
    if (model == null && name != null) {
      model = name;
    }
  }

  /** Takes every count present in a {@code usage} object; a later report replaces an earlier one (they are cumulative). */
  void merge(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    input = count(usage, "input_tokens", input);
    cacheCreation = count(usage, "cache_creation_input_tokens", cacheCreation);
    cacheRead = count(usage, "cache_read_input_tokens", cacheRead);
    output = count(usage, "output_tokens", output);
  }

  Usage toUsage() {
    long in = -1;
    for (long part : new long[] {input, cacheCreation, cacheRead}) {
      if (part >= 0) {
        in = Math.max(in, 0) + part;
      }
    }
    return new Usage(model, in, output, cacheRead, cacheCreation, -1);
  }

  private static long count(JsonNode usage, String field, long previous) {
    JsonNode n = usage.get(field);
    return n != null && n.canConvertToLong() && !n.isNull() ? n.asLong() : previous;
  }
}
