package dev.portcullis.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import javax.net.ssl.SSLException;

/**
 * The CLI's calls to the admin API, over the JDK's HTTP client (no Vert.x: the CLI starts in a
 * fraction of a second). Every answer outside 2xx, and every way of not getting one, becomes a
 * {@link CliFailure} with the exit status that says which it was ({@link ApiErrors}).
 */
final class AdminHttp {

  private static final String BASE = "/api/admin";

  private final AdminTarget target;
  private final HttpClient client;
  private final Duration timeout;

  /** @param timeout how long to wait for a connection, and then for the answer's head */
  AdminHttp(AdminTarget target, Duration timeout) {
    this.target = target;
    this.timeout = timeout;
    // HTTP/1.1: the admin port speaks nothing else, and an h2c upgrade offer would only cost a round of headers.
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** An answer in 2xx: its status and body (empty for a 204). */
  record Answer(int status, byte[] body) {}

  Answer get(String path) {
    return send("GET", path, null);
  }

  /**
   * Calls {@code method /api/admin<path>} with {@code body} as JSON (null: none); answers a 2xx,
   * else throws the failure that says what went wrong.
   */
  Answer send(String method, String path, byte[] body) {
    HttpRequest request = request(method, path, body).build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.UNREACHABLE, "Interrupted while waiting for the admin API");
    }
    if (response.statusCode() / 100 != 2) {
      throw ApiErrors.failure(response.statusCode(), response.body());
    }
    return new Answer(response.statusCode(), response.body());
  }

  /**
   * Streams the answer of {@code GET /api/admin<path>} to {@code out} as its bytes arrive (an
   * export may be larger than memory). A failure before the first byte has the answer's status;
   * one after it (the server resets a cut-short export) is {@link ExitCodes#UNREACHABLE}, so a
   * partial file never looks whole to a script.
   */
  void stream(String path, OutputStream out) {
    HttpRequest request = request("GET", path, null).build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.UNREACHABLE, "Interrupted while waiting for the admin API");
    }
    try (InputStream in = response.body()) {
      if (response.statusCode() / 100 != 2) {
        throw ApiErrors.failure(response.statusCode(), in.readNBytes(64 * 1024));
      }
      copy(in, out);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, "The export broke off before its end (" + describe(e)
          + "); what was written is incomplete");
    }
  }

  /**
   * Copies until the answer ends, or until the output can take no more: a {@link PrintStream}
   * swallows write errors, so it is asked after each chunk (a reader that closed the pipe, as
   * {@code | head} does, should not make the export run to its end for nothing; a full disk must
   * not look like success).
   */
  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
      out.write(buffer, 0, read);
      if (out instanceof PrintStream printed && printed.checkError()) {
        throw new CliFailure(ExitCodes.OUTPUT_FAILED, "Standard output could not be written (closed, or full); "
            + "the export was stopped");
      }
    }
    out.flush();
    if (out instanceof PrintStream printed && printed.checkError()) {
      throw new CliFailure(ExitCodes.OUTPUT_FAILED, "Standard output could not be written (closed, or full)");
    }
  }

  private HttpRequest.Builder request(String method, String path, byte[] body) {
    URI uri = URI.create(target.baseUrl() + BASE + path);
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Authorization", "Bearer " + target.token())
        .header("Accept", "application/json");
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    return builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private CliFailure unreachable(IOException e) {
    String where = target.baseUrl().toString();
    if (e instanceof HttpConnectTimeoutException) {
      return new CliFailure(ExitCodes.UNREACHABLE, "Cannot reach the admin API at " + where
          + ": no connection within " + timeout.toSeconds() + " s");
    }
    if (e instanceof HttpTimeoutException) {
      return new CliFailure(ExitCodes.UNREACHABLE, "The admin API at " + where + " did not answer within "
          + timeout.toSeconds() + " s (--timeout)");
    }
    if (e instanceof ConnectException) {
      return new CliFailure(ExitCodes.UNREACHABLE, "Cannot reach the admin API at " + where
          + ": connection refused (is Portcullis running with the auth role, and is this its admin port?)");
    }
    if (e instanceof SSLException) {
      return new CliFailure(ExitCodes.UNREACHABLE, "Cannot reach the admin API at " + where + ": TLS failed ("
          + describe(e) + ")");
    }
    return new CliFailure(ExitCodes.UNREACHABLE, "Cannot reach the admin API at " + where + ": " + describe(e));
  }

  /** An I/O failure's type and message: they name hosts and causes, never a request's headers. */
  private static String describe(IOException e) {
    if (e instanceof InterruptedIOException) {
      return "interrupted";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** {@code /a/{id}}: an id percent-encoded as one path segment, whatever it holds. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A query string ({@code ?a=1&b=2}) of the parameters that are set, in order; empty when none is. */
  static String query(Map<String, String> parameters) {
    StringJoiner joined = new StringJoiner("&", "?", "");
    joined.setEmptyValue("");
    parameters.forEach((name, value) -> {
      if (value != null) {
        joined.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
      }
    });
    return joined.toString();
  }

  /** An ordered map for {@link #query}, null values skipped there. */
  static Map<String, String> parameters(String... namesAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return map;
  }
}
