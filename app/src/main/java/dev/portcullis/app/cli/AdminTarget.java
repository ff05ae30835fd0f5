package dev.portcullis.app.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the admin API is and the token it takes. The defaults are the server's own settings, read
 * from the environment the way the server reads them, so that on the server's machine the CLI
 * needs no option at all:
 *
 * <ul>
 *   <li>URL: {@code --url}, else {@code http://<PORTCULLIS_ADMIN_HOST>:<PORTCULLIS_ADMIN_PORT>}
 *       ({@code https} when {@code PORTCULLIS_ADMIN_TLS_CERT_FILE} is set)
 *       (127.0.0.1 and 9001 by default; a server bound to every interface, 0.0.0.0 or ::, is
 *       reached on loopback);</li>
 *   <li>token: {@code --token-file}, else {@code PORTCULLIS_ADMIN_TOKEN}, else the file the server
 *       generates, {@code <PORTCULLIS_DATA_DIR or ./data>/admin-token}.</li>
 * </ul>
 *
 * <p>A token on the command line is not offered: command lines are visible to every user in
 * {@code ps}. The token is never printed, and no message here quotes it.
 */
final class AdminTarget {

  static final String HOST_SETTING = "PORTCULLIS_ADMIN_HOST";
  static final String PORT_SETTING = "PORTCULLIS_ADMIN_PORT";
  static final String TOKEN_SETTING = "PORTCULLIS_ADMIN_TOKEN";
  /** As {@code dev.portcullis.common.auth.AuthSecret.DATA_DIR_SETTING}; not imported, to keep the CLI's start small. */
  static final String DATA_DIR_SETTING = "PORTCULLIS_DATA_DIR";
  static final String TOKEN_FILE = "admin-token";

  private final URI baseUrl;
  private final String token;

  private AdminTarget(URI baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  URI baseUrl() {
    return baseUrl;
  }

  /** For the Authorization header only. */
  String token() {
    return token;
  }

  @Override
  public String toString() {
    return "AdminTarget[" + baseUrl + ", token hidden]";
  }

  /**
   * @param url       {@code --url}, or null
   * @param tokenFile {@code --token-file}, or null
   */
  static AdminTarget resolve(String url, String tokenFile, CliIo io) {
    return new AdminTarget(url == null ? defaultUrl(io.env()) : parseUrl(url), token(tokenFile, io));
  }

  static URI defaultUrl(Map<String, String> env) {
    String host = blankToNull(env.get(HOST_SETTING));
    if (host == null || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String port = blankToNull(env.get(PORT_SETTING));
    if (port == null) {
      port = "9001";
    } else if (!port.trim().matches("\\d{1,5}")) {
      throw CliFailure.usage(PORT_SETTING + " is not a port number; give --url instead");
    }
    // The server speaks TLS on its admin port when it is given a certificate: so does the client
    // (trusting what the JVM trusts; -Djavax.net.ssl.trustStore for a private CA).
    String scheme = blankToNull(env.get("PORTCULLIS_ADMIN_TLS_CERT_FILE")) != null ? "https" : "http";
    return parseUrl(scheme + "://" + host + ":" + port.trim());
  }

  private static URI parseUrl(String url) {
    URI uri;
    try {
      uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (URISyntaxException e) {
      throw CliFailure.usage("--url is not a URL: " + e.getMessage());
    }
    if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
      throw CliFailure.usage("--url must be http://host:port or https://host:port");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw CliFailure.usage("--url takes a scheme, host, port and path only");
    }
    return uri;
  }

  private static String token(String tokenFile, CliIo io) {
    if (tokenFile != null) {
      return readToken(io.resolve(tokenFile), "--token-file " + tokenFile, ExitCodes.USAGE);
    }
    String fromEnv = blankToNull(io.env().get(TOKEN_SETTING));
    if (fromEnv != null) {
      return checked(fromEnv.trim(), TOKEN_SETTING);
    }
    String dataDir = blankToNull(io.env().get(DATA_DIR_SETTING));
    Path file = io.resolve(dataDir == null ? "data" : dataDir).resolve(TOKEN_FILE);
    return readToken(file, file.toString(), ExitCodes.NOT_AUTHORIZED);
  }

  /** A missing default file means no token was found (3); a file the user named that is missing is a usage error (2). */
  private static String readToken(Path file, String what, int missingStatus) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliFailure(missingStatus, "No admin token: " + what + " does not exist (set "
          + TOKEN_SETTING + " or give --token-file FILE)");
    } catch (IOException | RuntimeException e) {
      throw new CliFailure(missingStatus, "Cannot read the admin token from " + what + ": "
          + e.getClass().getSimpleName());
    }
    String token = text.strip();
    if (token.isEmpty()) {
      throw new CliFailure(missingStatus, "No admin token: " + what + " is empty");
    }
    return checked(token, what);
  }

  /** A token is sent in a header: one that could not be (a line break, a control character) is refused here, unquoted. */
  private static String checked(String token, String where) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw CliFailure.usage("The admin token in " + where + " has a character a header cannot carry");
      }
    }
    return token;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
