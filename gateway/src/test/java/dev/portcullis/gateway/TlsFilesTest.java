package dev.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.tls.TlsFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS settings: both files or neither, and a file that is not what it should be names its setting. */
class TlsFilesTest {

  @TempDir
  Path dir;

  @Test
  void neitherFileMeansClearText() {
    assertThat(TlsFiles.from(new Settings(new JsonObject().put(TlsFiles.CERT_FILE, "").put(TlsFiles.KEY_FILE, ""))))
        .isNull();
  }

  @Test
  void aFileThatIsNotPemNamesItsSetting() throws Exception {
    Path notPem = Files.writeString(dir.resolve("x.pem"), "hello");
    Path missing = dir.resolve("missing.pem");

    SettingsException badCert = catchThrowableOfType(SettingsException.class, () -> TlsFiles.from(new Settings(
        new JsonObject().put(TlsFiles.CERT_FILE, notPem.toString()).put(TlsFiles.KEY_FILE, notPem.toString()))));
    SettingsException missingCert = catchThrowableOfType(SettingsException.class, () -> TlsFiles.from(new Settings(
        new JsonObject().put(TlsFiles.CERT_FILE, missing.toString()).put(TlsFiles.KEY_FILE, notPem.toString()))));
    SettingsException onlyKey = catchThrowableOfType(SettingsException.class, () -> TlsFiles.from(new Settings(
        new JsonObject().put(TlsFiles.KEY_FILE, notPem.toString()))));

    assertThat(badCert.setting()).isEqualTo(TlsFiles.CERT_FILE);
    assertThat(missingCert.setting()).isEqualTo(TlsFiles.CERT_FILE);
    assertThat(missingCert.getMessage()).contains("missing.pem");
    assertThat(onlyKey.setting()).isEqualTo(TlsFiles.CERT_FILE);
  }
}
