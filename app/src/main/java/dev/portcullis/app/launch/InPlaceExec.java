package dev.portcullis.app.launch;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.List;
import java.util.Map;

/**
 * Replaces this process with another program through the C library's {@code execve}: same
 * process id, parent, standard streams and working directory. No JVM stays behind
 * to forward signals or exit codes, and the memory of this one is gone, not just idle.
 */
public final class InPlaceExec {

  private InPlaceExec() {}

  /**
   * Runs {@code command} (an absolute program path, then its arguments) with {@code environment}
   * in place of this process. Returns only when that failed, with the reason.
   */
  public static String exec(List<String> command, Map<String, String> environment) {
    try {
      // Looked up in the process's own symbols (the JVM links the C library), so it works with
      // glibc and musl alike without naming a library file.
      Function execve = NativeLibrary.getProcess().getFunction("execve");
      String[] argv = command.toArray(new String[0]);
      String[] envp = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
      // JNA passes a String[] as a NULL-terminated char**, as execve wants.
      int result = execve.invokeInt(new Object[] {command.get(0), argv, envp});
      return "execve returned " + result + " (errno " + Native.getLastError() + ")";
    } catch (Throwable e) {
      return "execve unavailable: " + e;
    }
  }
}
