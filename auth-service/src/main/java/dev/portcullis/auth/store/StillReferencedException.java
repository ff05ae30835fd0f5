package dev.portcullis.auth.store;

/** A delete refused because other records still point at the row (an LLM proxy a key is limited to). */
public final class StillReferencedException extends RuntimeException {

  public StillReferencedException(String message) {
    super(message, null, false, false);
  }
}
