package dev.portcullis.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.common.bus.Usage;

/**
 * Token counts of one Bedrock answer as they accumulate, under every spelling Bedrock answers use:
 * Converse and ConverseStream ({@code inputTokens}, {@code outputTokens},
 * {@code cacheReadInputTokens}, {@code cacheWriteInputTokens}), Anthropic's InvokeModel format
 * ({@code input_tokens}, {@code output_tokens}, {@code cache_read_input_tokens},
 * {@code cache_creation_input_tokens}), Nova's InvokeModel format ({@code inputTokens},
 * {@code outputTokens}, {@code cacheReadInputTokenCount}, {@code cacheWriteInputTokenCount}) and
 * the {@code amazon-bedrock-invocationMetrics} of an InvokeModel stream's last chunk
 * ({@code inputTokenCount}, {@code outputTokenCount}, {@code cacheReadInputTokenCount},
 * {@code cacheWriteInputTokenCount}).
 *
 * <p>In every one of them the input count leaves out the tokens read from or written to the
 * cache, so the input a call was billed for is the sum of the three. Bedrock does not report
 * reasoning apart from the output. Counts still unknown are -1.
 */
final class BedrockTokenCounts {

  private static final String[] INPUT = {"inputTokens", "input_tokens", "inputTokenCount"};
  private static final String[] OUTPUT = {"outputTokens", "output_tokens", "outputTokenCount"};
  private static final String[] CACHE_READ = {"cacheReadInputTokens", "cache_read_input_tokens", "cacheReadInputTokenCount"};
  private static final String[] CACHE_WRITE =
      {"cacheWriteInputTokens", "cache_creation_input_tokens", "cacheWriteInputTokenCount"};

  private long input = -1;
  private long output = -1;
  private long cacheRead = -1;
  private long cacheWrite = -1;

  /** Takes every count {@code counts} names; a later report replaces an earlier one (streams report cumulative counts). */
  void merge(JsonNode counts) {
    if (counts == null || !counts.isObject()) {
      return;
    }
    input = count(counts, INPUT, input);
    output = count(counts, OUTPUT, output);
    cacheRead = count(counts, CACHE_READ, cacheRead);
    cacheWrite = count(counts, CACHE_WRITE, cacheWrite);
  }

  /** Sets counts read elsewhere (response headers); -1 leaves a count as it is. */
  void merge(long input, long output, long cacheRead, long cacheWrite) {
    this.input = input >= 0 ? input : this.input;
    this.output = output >= 0 ? output : this.output;
    this.cacheRead = cacheRead >= 0 ? cacheRead : this.cacheRead;
    this.cacheWrite = cacheWrite >= 0 ? cacheWrite : this.cacheWrite;
  }

  boolean known() {
    return input >= 0 || output >= 0 || cacheRead >= 0 || cacheWrite >= 0;
  }

  /** The usage so far, without a model: Bedrock answers do not name the one they ran. */
  Usage toUsage() {
    long in = -1;
    for (long part : new long[] {input, cacheRead, cacheWrite}) {
      if (part >= 0) {
        in = Math.max(in, 0) + part;
      }
    }
    return new Usage(null, in, output, cacheRead, cacheWrite, -1);
  }

  private static long count(JsonNode counts, String[] names, long previous) {
    for (String name : names) {
      JsonNode n = counts.get(name);
      if (n != null && n.isNumber() && n.canConvertToLong()) {
        return n.asLong();
      }
    }
    return previous;
  }
}
