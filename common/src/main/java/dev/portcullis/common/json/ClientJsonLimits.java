package dev.portcullis.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * Bounds for every Jackson reader of JSON a client sent (request bodies at the gateway, in the
 * model router and in the admin API). Jackson's defaults allow 1,000 levels of nesting and leave
 * the document length open; recursive readers of a tree (schema converters, translators) need a
 * depth they can walk, and nothing a client sends needs more than this.
 */
public final class ClientJsonLimits {

  /** Deeper than any real request (tool schemas stay far below), shallow enough for recursive walks. */
  public static final int MAX_NESTING_DEPTH = 200;
  /** Digits of one number: Jackson's default, named here because it is part of our contract. */
  public static final int MAX_NUMBER_LENGTH = 1000;
  /** Field names are short; Jackson's default allows 50,000 characters. */
  public static final int MAX_NAME_LENGTH = 10_000;

  private ClientJsonLimits() {}

  /**
   * @param maxDocumentBytes the largest document; a string may fill it (base64 images are single
   *                         strings of many megabytes), so it also bounds one string's length
   */
  public static StreamReadConstraints constraints(long maxDocumentBytes) {
    int maxString = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxDocumentBytes));
    return StreamReadConstraints.builder()
        .maxNestingDepth(MAX_NESTING_DEPTH)
        .maxNumberLength(MAX_NUMBER_LENGTH)
        .maxNameLength(MAX_NAME_LENGTH)
        .maxStringLength(maxString)
        .maxDocumentLength(maxDocumentBytes)
        .build();
  }

  /**
   * A factory under the constraints above that accepts duplicate keys, for readers of JSON that
   * was already checked strictly (the router reads bodies the gateway checked) or that comes from
   * an upstream, whose quirks are not ours to refuse.
   */
  public static JsonFactory boundedFactory(long maxDocumentBytes) {
    return JsonFactory.builder().streamReadConstraints(constraints(maxDocumentBytes)).build();
  }

  /**
   * A factory for client JSON: the constraints above, and duplicate keys refused, because a
   * provider's parser could pick another value than ours (a parser differential is a way around
   * any check).
   */
  public static JsonFactory factory(long maxDocumentBytes) {
    return JsonFactory.builder()
        .streamReadConstraints(constraints(maxDocumentBytes))
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }
}
