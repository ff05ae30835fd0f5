package dev.portcullis.common.error;

import java.util.Objects;

/**
 * An error raised by Portcullis itself, as a value: what kind it is, a message that says what to
 * do, and optionally the request field it concerns. It is rendered in the called API's own error
 * format at the edge, and travels over the bus as a reply or as a stream's ERROR frame.
 *
 * <p>Messages must never contain a secret: they are shown to clients and logged.
 */
public record GatewayError(ErrorKind kind, String message, String param) {

  public GatewayError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  public int status() {
    return kind.status();
  }

  public GatewayException toException() {
    return new GatewayException(this);
  }

  public static GatewayError of(ErrorKind kind, String message) {
    return new GatewayError(kind, message, null);
  }

  public static GatewayError invalidRequest(String message, String param) {
    return new GatewayError(ErrorKind.INVALID_REQUEST, message, param);
  }

  public static GatewayError notFound(String message) {
    return of(ErrorKind.NOT_FOUND, message);
  }

  public static GatewayError upstreamUnreachable(String message) {
    return of(ErrorKind.UPSTREAM_UNREACHABLE, message);
  }

  public static GatewayError upstreamTimeout(String message) {
    return of(ErrorKind.UPSTREAM_TIMEOUT, message);
  }

  public static GatewayError unavailable(String message) {
    return of(ErrorKind.UNAVAILABLE, message);
  }

  public static GatewayError internal(String message) {
    return of(ErrorKind.INTERNAL, message);
  }
}
