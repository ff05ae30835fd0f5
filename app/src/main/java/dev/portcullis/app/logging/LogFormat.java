package dev.portcullis.app.logging;

import dev.portcullis.common.settings.SettingsException;
import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * How log lines look on standard output: plain text for a person at a terminal, one JSON object
 * per line otherwise (piped, redirected, in a container). {@value #SETTING} ({@code text} or
 * {@code json}) overrides the choice. It is read from a system property or the environment, not
 * from the configuration file: logging starts before the configuration is read.
 */
public enum LogFormat {
  TEXT, JSON;

  public static final String SETTING = "PORTCULLIS_LOG_FORMAT";

  /** The format for this process: its {@value #SETTING}, else whether standard output is a terminal. */
  public static LogFormat forThisProcess() {
    return choose(name -> {
      String property = System.getProperty(name);
      return property != null ? property : System.getenv(name);
    }, LogFormat::stdoutIsTerminal);
  }

  /**
   * The format {@code settings} ask for, or when they name none, text if {@code terminal} says
   * standard output is a terminal, JSON otherwise.
   *
   * @throws SettingsException when {@value #SETTING} is neither {@code text} nor {@code json}
   */
  public static LogFormat choose(UnaryOperator<String> settings, BooleanSupplier terminal) {
    String value = settings.apply(SETTING);
    if (value == null || value.isBlank()) {
      return terminal.getAsBoolean() ? TEXT : JSON;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new SettingsException(SETTING, "must be text or json");
    };
  }

  /**
   * Whether standard output is a terminal. Up to Java 21 the JVM has a console only when standard
   * input and output both are terminals; from Java 22 it has one even when they are redirected,
   * and {@code Console.isTerminal()} (called reflectively: this is built for Java 17) tells. With
   * no console (input redirected: {@code < /dev/null}, a background job of a script), Linux's
   * {@code /proc/self/fd/1} still tells whether output goes to a terminal.
   */
  public static boolean stdoutIsTerminal() {
    return consoleIsTerminal() || stdoutIsTerminalDevice(Path.of("/proc/self/fd/1"));
  }

  private static boolean consoleIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    Method isTerminal;
    try {
      isTerminal = Console.class.getMethod("isTerminal");
    } catch (NoSuchMethodException beforeJava22) {
      return true;
    }
    try {
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** Whether {@code fd} (a {@code /proc} file descriptor link) leads to a terminal device. */
  static boolean stdoutIsTerminalDevice(Path fd) {
    try {
      String target = Files.readSymbolicLink(fd).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException notLinux) {
      return false;
    }
  }
}
