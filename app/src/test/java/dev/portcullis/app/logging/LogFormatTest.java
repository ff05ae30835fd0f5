package dev.portcullis.app.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFormatTest {

  private static LogFormat choose(Map<String, String> env, boolean terminal) {
    return LogFormat.choose(env::get, () -> terminal);
  }

  @Test
  void aTerminalGetsTextAnythingElseJson() {
    assertThat(choose(Map.of(), true)).isEqualTo(LogFormat.TEXT);
    assertThat(choose(Map.of(), false)).isEqualTo(LogFormat.JSON);
    assertThat(choose(Map.of(LogFormat.SETTING, " "), true)).as("blank is unset").isEqualTo(LogFormat.TEXT);
  }

  @Test
  void theSettingOverridesTheTerminal() {
    assertThat(choose(Map.of(LogFormat.SETTING, "json"), true)).isEqualTo(LogFormat.JSON);
    assertThat(choose(Map.of(LogFormat.SETTING, "text"), false)).isEqualTo(LogFormat.TEXT);
    assertThat(choose(Map.of(LogFormat.SETTING, " TEXT "), false)).isEqualTo(LogFormat.TEXT);
    assertThat(choose(Map.of(LogFormat.SETTING, "Json"), true)).isEqualTo(LogFormat.JSON);
  }

  @Test
  void theTerminalIsNotAskedWhenTheSettingDecides() {
    AtomicInteger asked = new AtomicInteger();
    LogFormat.choose(Map.of(LogFormat.SETTING, "json")::get, () -> asked.incrementAndGet() > 0);
    assertThat(asked).hasValue(0);
  }

  @Test
  void aBadValueNamesTheSetting() {
    assertThatThrownBy(() -> choose(Map.of(LogFormat.SETTING, "pretty"), true))
        .isInstanceOf(SettingsException.class)
        .hasMessage("PORTCULLIS_LOG_FORMAT: must be text or json")
        .satisfies(e -> assertThat(((SettingsException) e).setting()).isEqualTo(LogFormat.SETTING));
  }

  @Test
  void aTerminalDeviceIsToldFromAFileOrPipe(@TempDir Path dir) throws Exception {
    Path toPts = Files.createSymbolicLink(dir.resolve("1"), Path.of("/dev/pts/3"));
    Path toTty = Files.createSymbolicLink(dir.resolve("2"), Path.of("/dev/tty1"));
    Path toFile = Files.createSymbolicLink(dir.resolve("3"), dir.resolve("out.log"));
    Path toPipe = Files.createSymbolicLink(dir.resolve("4"), Path.of("pipe:[12345]"));
    assertThat(LogFormat.stdoutIsTerminalDevice(toPts)).isTrue();
    assertThat(LogFormat.stdoutIsTerminalDevice(toTty)).isTrue();
    assertThat(LogFormat.stdoutIsTerminalDevice(toFile)).isFalse();
    assertThat(LogFormat.stdoutIsTerminalDevice(toPipe)).isFalse();
    assertThat(LogFormat.stdoutIsTerminalDevice(dir.resolve("missing"))).isFalse();
  }

  @Test
  void aTestRunWithItsOutputCapturedIsNoTerminal() {
    // Surefire captures the forked JVM's output through a pipe or file.
    assertThat(LogFormat.stdoutIsTerminal()).isFalse();
  }
}
