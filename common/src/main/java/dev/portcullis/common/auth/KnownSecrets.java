package dev.portcullis.common.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Secrets that are public because they appear in Portcullis's own files: the compose file's
 * example, chart and documentation examples, and test fixtures past and present. A deployment
 * that copied one is as open as one without a secret, so {@link AuthSecret} refuses them. The
 * list is the resource {@value #RESOURCE} (one a line, {@code #} comments); a test scans the
 * repository and fails when a file names a value that is not on it.
 */
public final class KnownSecrets {

  public static final String RESOURCE = "/dev/portcullis/common/auth/known-auth-secrets.txt";
  private static final Set<String> KNOWN = load();

  private KnownSecrets() {}

  public static boolean contains(String secret) {
    return secret != null && KNOWN.contains(secret.trim());
  }

  static Set<String> all() {
    return KNOWN;
  }

  private static Set<String> load() {
    try (InputStream in = KnownSecrets.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      Set<String> values = new HashSet<>();
      new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
          .map(String::trim)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .forEach(values::add);
      return Set.copyOf(values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
