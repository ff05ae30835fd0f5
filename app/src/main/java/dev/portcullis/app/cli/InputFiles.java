package dev.portcullis.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a command reads besides its arguments: a secret from a file or standard input (never from
 * the command line, which {@code ps} shows to every user), and a JSON body from a file or
 * {@code -}. A file that cannot be read is a usage error (2), named but never quoted.
 */
final class InputFiles {

  /** Bodies and secrets are small: the admin API takes at most 1 MiB. */
  private static final int MAX_BYTES = 1 << 20;

  private InputFiles() {}

  /**
   * A secret from {@code file}, or from standard input when {@code stdin} is set (exactly one of
   * the two), with surrounding whitespace (a trailing newline) removed. Null when neither is given.
   */
  static String secret(String file, boolean stdin, String what, CliIo io) {
    if (file != null && stdin) {
      throw CliFailure.usage("Give " + what + " from a file or from standard input, not both");
    }
    if (file == null && !stdin) {
      return null;
    }
    String text = new String(file != null ? read(file, io) : readStdin(io), StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw CliFailure.usage((file != null ? file : "standard input") + " holds no " + what);
    }
    return text;
  }

  /** A JSON object from {@code file} ({@code -}: standard input), checked here so that a typo fails before any call. */
  static ObjectNode jsonObject(String file, CliIo io) {
    JsonNode node = json(file, io);
    if (!(node instanceof ObjectNode object)) {
      throw CliFailure.usage((file.equals("-") ? "standard input" : file) + " must hold a JSON object");
    }
    return object;
  }

  static JsonNode json(String file, CliIo io) {
    byte[] bytes = file.equals("-") ? readStdin(io) : read(file, io);
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw CliFailure.usage((file.equals("-") ? "standard input" : file) + " is not JSON: "
          + e.getClass().getSimpleName());
    }
  }

  private static byte[] read(String file, CliIo io) {
    Path path = io.resolve(file);
    try {
      if (Files.size(path) > MAX_BYTES) {
        throw CliFailure.usage(file + " is larger than " + MAX_BYTES + " bytes");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw CliFailure.usage("No such file: " + file);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CliFailure failure) {
        throw failure;
      }
      throw CliFailure.usage("Cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }

  private static byte[] readStdin(CliIo io) {
    try {
      InputStream in = io.in();
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw CliFailure.usage("Standard input holds more than " + MAX_BYTES + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw CliFailure.usage("Cannot read standard input: " + e.getClass().getSimpleName());
    }
  }
}
