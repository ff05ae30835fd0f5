package dev.portcullis.common.error;

import java.util.Objects;

/**
 * An error raised by Portcullis itself, as a value: what kind it is, a message that says what to
 * do, and optionally the request field it concerns. It is rendered in the called API's own error
 * format at the edge, and travels over the bus as a reply or as a stream's ERROR frame.
 *
 * <p>Messages must never contain a secret: they are shown to clients and logged.
 *
 * @param retrySafe whether the upstream cannot have acted on the request: it was never reached, or
 *                  it sent no byte of an answer (not even a stream's first event) before the
 *                  connection failed or stayed silent too long. Only such a failure may be tried
 *                  again on another key or model; every error Portcullis makes up itself is not.
 */
public record GatewayError(ErrorKind kind, String message, String param, boolean retrySafe) {

  public GatewayError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  public GatewayError(ErrorKind kind, String message, String param) {
    this(kind, message, param, false);
  }

  /** This error, marked as one the upstream cannot have acted on. */
  public GatewayError asRetrySafe() {
    return retrySafe ? this : new GatewayError(kind, message, param, true);
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
