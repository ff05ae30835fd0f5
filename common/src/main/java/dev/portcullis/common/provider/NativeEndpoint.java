package dev.portcullis.common.provider;

/**
 * Where a call goes on a provider verticle: the operation and the path (and query) below the
 * provider's base URL, exactly as a client of that provider's own route would call it. The model
 * router uses these for the calls it makes itself (translated chat, model discovery).
 */
public record NativeEndpoint(Operation operation, String path, String query) {

  /** A provider's chat endpoint for one model, streamed or not. */
  @FunctionalInterface
  public interface Chat {
    NativeEndpoint of(String nativeModelId, boolean stream);
  }
}
