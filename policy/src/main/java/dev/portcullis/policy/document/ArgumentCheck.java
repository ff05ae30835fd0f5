package dev.portcullis.policy.document;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The argument part of a tool-invocation rule: a JSON path and what a value it finds must be.
 * It holds when any value the path finds meets the condition; a path that finds nothing does not
 * hold.
 */
public record ArgumentCheck(ArgumentPath path, ValueCondition condition) {

  public ArgumentCheck {
    if (path == null || condition == null) {
      throw new IllegalArgumentException("an argument check needs a path and a condition");
    }
  }

  /**
   * @param arguments the call's arguments, parsed
   * @throws RuntimeException when the path cannot be evaluated over these arguments
   */
  public boolean holds(JsonNode arguments) {
    for (JsonNode value : path.read(arguments)) {
      if (condition.test(value)) {
        return true;
      }
    }
    return false;
  }
}
