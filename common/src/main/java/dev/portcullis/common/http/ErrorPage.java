package dev.portcullis.common.http;

import java.util.Map;

/**
 * How a server spells a refusal it makes before any of its handlers saw the request (a bad
 * request line, too many headers, a broken chunked body): the gateway in the called API's error
 * format, the admin API in its own JSON, metrics in plain text.
 */
@FunctionalInterface
public interface ErrorPage {

  /**
   * @param uri     the request target as sent, or {@code null} when it could not be read
   * @param status  the HTTP status of the refusal
   * @param message what was wrong, safe to show (it never quotes the request)
   */
  Page render(String uri, int status, String message);

  /** The body of a refusal, its content type and any extra headers. */
  record Page(String contentType, byte[] body, Map<String, String> headers) {}
}
