package dev.portcullis.app.launch;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.List;

/**
 * Replaces this process with another program through the C library's {@code execv}: same
 * process id, parent, environment, standard streams and working directory. No JVM stays behind
 * to forward signals or exit codes, and the memory of this one is gone, not just idle.
 */
public final class InPlaceExec {

  private InPlaceExec() {}

  /**
   * Runs {@code command} (an absolute program path, then its arguments) in place of this process.
   * Returns only when that failed, with the reason.
   */
  public static String exec(List<String> command) {
    try {
      // Looked up in the process's own symbols (the JVM links the C library), so it works with
      // glibc and musl alike without naming a library file.
      Function execv = NativeLibrary.getProcess().getFunction("execv");
      String[] argv = command.toArray(new String[0]);
      // JNA passes a String[] as a NULL-terminated char**, as execv wants.
      int result = execv.invokeInt(new Object[] {command.get(0), argv});
      return "execv returned " + result + " (errno " + Native.getLastError() + ")";
    } catch (Throwable e) {
      return "execv unavailable: " + e;
    }
  }
}
