package dev.portcullis.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every ARCHESTRA_AUTH_SECRET value written in the repository's own (non-test) files is on the
 * deny list, so nobody can deploy Portcullis with a secret that is printed in its sources.
 */
class KnownSecretsScanTest {

  /** {@code NAME: value}, {@code NAME=value}, {@code ${NAME:-value}}, {@code "NAME", "value"}. */
  private static final List<Pattern> VALUE_PATTERNS = List.of(
      Pattern.compile("\\$\\{ARCHESTRA_AUTH_SECRET:?-([^}]*)}"),
      Pattern.compile("ARCHESTRA_AUTH_SECRET[\"']?\\s*[:=]\\s*[\\\\\"']*([^\"'\\s#,)\\\\]*)"),
      Pattern.compile("ARCHESTRA_AUTH_SECRET\"\\s*,\\s*\"([^\"]*)\""));
  private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules", "test", ".idea");

  @Test
  void everySecretValueInOurFilesIsOnTheDenyList() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    assertThat(root.resolve("docker-compose.yml")).as("the repository root").exists();
    List<Path> naming = new ArrayList<>();
    Map<String, String> found = valuesIn(root, naming);

    // The compose file, the chart's values and config/default.yaml at least: the walk saw the repository.
    assertThat(naming).as("files that name the setting").hasSizeGreaterThanOrEqualTo(3);
    List<String> missing = new ArrayList<>();
    found.forEach((value, where) -> {
      // Shorter values are refused as short whatever the list says (and prose in comments is short).
      if (value.length() >= AuthSecret.MIN_LENGTH && !KnownSecrets.contains(value)) {
        missing.add(value + " (" + where + ")");
      }
    });
    assertThat(missing).as("ARCHESTRA_AUTH_SECRET values missing from " + KnownSecrets.RESOURCE).isEmpty();
  }

  @Test
  void thePatternsFindTheFormsOurFilesUse() {
    assertThat(values("ARCHESTRA_AUTH_SECRET: ${ARCHESTRA_AUTH_SECRET:-from-compose}")).contains("from-compose");
    assertThat(values("  ARCHESTRA_AUTH_SECRET: \"from-yaml\"")).containsExactly("from-yaml");
    assertThat(values("export ARCHESTRA_AUTH_SECRET=from-shell")).containsExactly("from-shell");
    assertThat(values(".put(\"ARCHESTRA_AUTH_SECRET\", \"from-java\")")).containsExactly("from-java");
    assertThat(values("ARCHESTRA_AUTH_SECRET: ${ARCHESTRA_AUTH_SECRET:?set it}")).isEmpty();
    assertThat(values("ARCHESTRA_AUTH_SECRET: \"\"")).isEmpty();
    assertThat(values("ARCHESTRA_AUTH_SECRET=$(openssl rand -base64 48)")).isEmpty();
    assertThat(values("export ARCHESTRA_AUTH_SECRET=\\\"$${ARCHESTRA_AUTH_SECRET:-$$(cat /run/secret)}\\\"")).isEmpty();
    assertThat(values("export ARCHESTRA_AUTH_SECRET=\\\"escaped-example\\\"")).containsExactly("escaped-example");
    assertThat(values("ARCHESTRA_AUTH_SECRET: {{ .Values.x | quote }}")).isEmpty();
  }

  private static Map<String, String> valuesIn(Path root, List<Path> naming) throws IOException {
    Map<String, String> found = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).filter(f -> !skipped(root, f)).toList()) {
        String text;
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException binary) {
          continue;
        }
        if (text.contains("ARCHESTRA_AUTH_SECRET")) {
          naming.add(file);
          values(text).forEach(value -> found.putIfAbsent(value, root.relativize(file).toString()));
        }
      }
    }
    return found;
  }

  private static boolean skipped(Path root, Path file) {
    Path relative = root.relativize(file);
    for (Path part : relative) {
      if (SKIPPED_DIRECTORIES.contains(part.toString()) || part.toString().startsWith("wt-")) {
        return true;
      }
    }
    return file.getFileName().toString().endsWith(".jar");
  }

  private static List<String> values(String text) {
    List<String> values = new ArrayList<>();
    for (Pattern pattern : VALUE_PATTERNS) {
      Matcher matcher = pattern.matcher(text);
      while (matcher.find()) {
        String value = matcher.group(1).trim();
        // References to something else (a shell substitution, a template, another variable) are no values.
        if (!value.isEmpty() && !value.startsWith("$") && !value.startsWith("{{") && !value.startsWith("<")) {
          values.add(value);
        }
      }
    }
    return values;
  }
}
