package dev.portcullis.common.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A generated secret kept in a file only its owner may read or write ({@code rw-------}). Blocking
 * file IO: call it from a worker ({@code vertx.executeBlocking}).
 *
 * <p>Several verticles (auth-service, the gateway) may ask for the same file at the same moment;
 * the first to create it wins and the others read what it wrote, so they always agree.
 */
public final class OwnerOnlySecretFile {

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private OwnerOnlySecretFile() {}

  /** Whether the file already existed is returned alongside the secret, so a caller can log its location once. */
  public record Loaded(String secret, boolean created) {
    @Override
    public String toString() {
      return "Loaded[secret=<redacted>, created=" + created + "]";
    }
  }

  public static Loaded loadOrCreate(Path file, Supplier<String> generator) {
    try {
      if (Files.exists(file)) {
        return new Loaded(read(file), false);
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      // Written whole to a private temporary file, then linked into place: a reader never sees a
      // half-written secret, and createLink fails if another creator got there first.
      Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".secret", ".tmp", ownerOnly());
      try {
        Files.writeString(temporary, generator.get(), StandardCharsets.UTF_8);
        Files.createLink(file, temporary);
        return new Loaded(read(file), true);
      } catch (FileAlreadyExistsException lostTheRace) {
        return new Loaded(read(file), false);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      // The message names the file and the problem, never its content.
      throw new UncheckedIOException("cannot read or create the secret file " + file.toAbsolutePath(), e);
    }
  }

  private static String read(Path file) throws IOException {
    String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (secret.isEmpty()) {
      throw new IOException("the secret file is empty");
    }
    return secret;
  }

  private static FileAttribute<?>[] ownerOnly() {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
    }
    return new FileAttribute<?>[0];
  }
}
