package dev.portcullis.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

  @Test
  void aNewDirectoryIsOwnerOnly(@TempDir Path parent) throws Exception {
    Path dir = DataDirectory.prepare(parent.resolve("data"));
    assertThat(permissions(dir)).isEqualTo("rwx------");
  }

  @Test
  void aLooserDirectoryAndItsFilesAreTightened(@TempDir Path parent) throws Exception {
    Path dir = Files.createDirectory(parent.resolve("data"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path store = Files.writeString(dir.resolve("portcullis.mv.db"), "rows");
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r--r--"));
    Path secret = OwnerOnlySecretFile.loadOrCreate(dir.resolve("auth-secret"), () -> "s").created() ? dir.resolve("auth-secret") : null;

    DataDirectory.prepare(dir);

    assertThat(permissions(dir)).isEqualTo("rwx------");
    assertThat(permissions(store)).isEqualTo("rw-------");
    assertThat(permissions(secret)).isEqualTo("rw-------");
  }

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
