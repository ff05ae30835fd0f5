package dev.portcullis.common.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory ({@code PORTCULLIS_DATA_DIR}, {@code ./data}): the embedded H2 store, the
 * generated auth secret and admin token. It is kept {@code rwx------} and every file in it
 * {@code rw-------}: created so, and an existing looser directory or file is tightened with a
 * WARN (H2 writes its files with the process umask, so they are checked again once the store is
 * open). Blocking file IO: call it from a worker. On a file system without POSIX permissions it
 * does nothing.
 */
public final class DataDirectory {

  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

  private DataDirectory() {}

  /** Creates the directory owner-only, or tightens it and its files; answers its path. */
  public static Path prepare(Path dir) {
    try {
      if (!posix()) {
        Files.createDirectories(dir);
        return dir;
      }
      if (!Files.exists(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        // The umask may have taken bits away, never added any; set exactly what we mean.
        Files.setPosixFilePermissions(dir, DIRECTORY);
      } else {
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(dir);
        if (!DIRECTORY.containsAll(current) || !current.containsAll(DIRECTORY)) {
          LOG.warn("The data directory {} was {}; tightened to rwx------ (it holds the store and generated secrets)",
              dir.toAbsolutePath().normalize(), PosixFilePermissions.toString(current));
          Files.setPosixFilePermissions(dir, DIRECTORY);
        }
      }
      tightenFiles(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the data directory " + dir.toAbsolutePath().normalize(), e);
    }
  }

  /** Makes every regular file directly in the directory owner-only (0600); names the ones it changed. */
  public static void tightenFiles(Path dir) {
    if (!posix() || !Files.isDirectory(dir)) {
      return;
    }
    List<String> tightened = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!FILE.containsAll(current)) {
          Files.setPosixFilePermissions(file, FILE);
          tightened.add(file.getFileName() + " (was " + PosixFilePermissions.toString(current) + ")");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check the files of the data directory " + dir.toAbsolutePath().normalize(), e);
    }
    if (!tightened.isEmpty()) {
      LOG.warn("Files in the data directory {} were readable by others; made owner-only (rw-------): {}",
          dir.toAbsolutePath().normalize(), tightened);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
