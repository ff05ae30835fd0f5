package dev.portcullis.app.launch;

import dev.portcullis.common.settings.SettingsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Whether {@code java -jar portcullis.jar} should start again with JVM flags sized for a gateway,
 * and the exact command that does it.
 *
 * <p>Left to itself, HotSpot sizes the heap from the machine: a quarter of its memory at most
 * and a sixty-fourth up front, whose young generation allocation soon touches in full. On a 24 GB
 * machine that alone is over 100 MB of resident memory a gateway never needs (its live set is a
 * few tens of MB: calls are streamed, not kept). The tuned flags fix the heap, code cache,
 * metaspace, direct memory and thread stacks so that the whole process stays under 256 MB of
 * resident memory under load, whatever the machine; and glibc's malloc keeps fewer arenas.
 *
 * <p>The user's own choices always win: any heap, RAM or GC option, an agent (it would attach
 * twice), {@code JAVA_TOOL_OPTIONS} or {@code JDK_JAVA_OPTIONS} (the restarted JVM would read
 * them a second time), {@code PORTCULLIS_JVM_TUNING=false}, or a start other than {@code -jar}
 * (tests, IDEs) leave the JVM as it is.
 */
public final class JvmTuning {

  /** Given to the restarted JVM, so that it never restarts again. */
  public static final String MARKER = "-Dportcullis.jvm.tuned=true";
  /** {@code false} keeps the JVM as started (read from the environment: no setting is loaded yet). */
  public static final String SWITCH = "PORTCULLIS_JVM_TUNING";

  /**
   * Largest heap of the tuned JVM (smaller in a container with less than twice this). A limit, not
   * a footprint: the old generation only grows when what survives needs it, and a gateway's live
   * set is a few tens of MB. A quarter of what the JVM then reports as its maximum (the heap less
   * one survivor space), the default request-body budget, still holds one body of the default
   * 50 MB body limit.
   */
  static final long MAX_HEAP_MB = 224;
  /**
   * Young generation: every page of it is touched, so it is resident. A minor collection pauses
   * the gateway for a few milliseconds (measured: 1 to 3 ms on one core once warm), which is what
   * the slowest calls wait for; at 2,000 calls/s (some 23 KB allocated per call) 48 MB makes that
   * about one pause every 0.8 s, which delays under 0.5% of calls, and keeps 16 MB less resident
   * than 64 MB (with the usage ledger on, 64 MB took the process over 256 MB under load).
   */
  static final long YOUNG_MB = 48;
  /**
   * How often the JVM gives glibc's freed memory back to the system: what the JIT compilers and
   * the ledger's database free stays resident otherwise (measured: 30 to 40 MB after a minute of
   * load, returned by {@code jcmd System.trim_native_heap}).
   */
  static final long TRIM_NATIVE_HEAP_MILLIS = 1_000;
  /**
   * The largest temporary direct buffer the JDK keeps per thread for I/O from heap buffers. Left
   * unbounded, every thread that once wrote or read a large heap buffer through a file channel
   * keeps a native copy of its size for good: the embedded stores write their chunks (up to
   * megabytes) from whichever worker thread commits, and the usage ledger's store alone left some
   * 8 MB of such buffers after two minutes of load (NMT "Other": 9.4 MB, 1.3 MB with this bound).
   * Larger I/O still works, through a buffer freed after the call.
   */
  static final int MAX_CACHED_IO_BUFFER_BYTES = 256 * 1024;
  /**
   * The largest compiled method (bytes of machine code) that C2 still inlines into another one it
   * compiles; JDK 17's default is 2,500. A gateway's request path is a long chain of mid-sized
   * methods (Netty, Vert.x, Jackson, the ledger's store) that C2 compiles on their own and then
   * compiled again inside each hot caller. With the lower bound it calls them instead, and on one
   * core under load C2 reached the steady state with 13 to 15 s of CPU instead of 20 to 25 s (the
   * compiler thread takes about half the core while the event loop is busy, so that is the
   * gateway's warm-up), with the same CPU per call afterwards within the measurement's noise.
   */
  static final int INLINE_SMALL_CODE_BYTES = 1_000;
  /**
   * How full a survivor space may get (percent) before the collector lowers the age at which
   * objects move to the old generation; HotSpot's default is 50. Under saturation with usage
   * records on, what a young collection keeps (calls in flight, the records of the last 150 ms, the
   * ledger's pages in flight) is about half a 4.8 MB survivor space, so at 50 the age kept dropping
   * to 1 or 2 (in 377 of 865 collections), objects that die within a second were promoted, and the
   * old generation filled: a full collection (40 to 60 ms, every call waits) every 20 to 25 s. At
   * 90 the age stays at 15 and, in the same runs, one full collection came instead of three.
   */
  static final int TARGET_SURVIVOR_PERCENT = 90;
  private static final String IO_BUFFER_PROPERTY = "-Djdk.nio.maxCachedBufferSize";

  /** The options that change what these flags decide: the user's word is kept as given. */
  private static final Pattern OWN_MEMORY_OPTION = Pattern.compile(
      "-Xm[xsn].*|-XX:(MaxHeapSize|InitialHeapSize|MinHeapSize|NewSize|MaxNewSize|NewRatio"
          + "|(Max|Min|Initial)RAM\\w*|Flags|VMOptionsFile)=.*|-XX:[+-]Use\\w*GC");
  private static final Pattern AGENT = Pattern.compile("-agentlib:.*|-agentpath:.*|-javaagent:.*|-Xrun.*");
  private static final List<String> READ_AGAIN = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

  private JvmTuning() {}

  /**
   * The outcome: either a command to replace this process with ({@link #relaunch()}), or why the
   * JVM stays as it is (logged once the process has started).
   */
  public record Decision(List<String> command, Map<String, String> environment, String note, boolean warning) {

    static Decision stay(String why) {
      return new Decision(List.of(), Map.of(), why, false);
    }

    /** The restart was decided but could not be done: the JVM goes on untuned. */
    public Decision failed(String why) {
      return new Decision(List.of(), Map.of(),
          "JVM flags left as given: could not restart with tuned flags: " + why, true);
    }

    public boolean relaunch() {
      return !command.isEmpty();
    }
  }

  /** Decides for {@code jvm} started with the program arguments {@code args}. */
  public static Decision decide(RunningJvm jvm, List<String> args) {
    List<String> given = jvm.inputArguments();
    if (given.contains(MARKER)) {
      return Decision.stay("JVM tuned for a gateway: " + String.join(" ", tunedPart(given)));
    }
    String enabled = jvm.environment().getOrDefault(SWITCH, "").trim().toLowerCase(Locale.ROOT);
    if (enabled.equals("false")) {
      return Decision.stay("JVM flags left as given: " + SWITCH + "=false");
    }
    if (!enabled.isEmpty() && !enabled.equals("true")) {
      throw new SettingsException(SWITCH, "must be true or false");
    }
    if (jvm.jar().isEmpty()) {
      return Decision.stay("JVM flags left as given: not started with java -jar");
    }
    for (String variable : READ_AGAIN) {
      if (jvm.environment().containsKey(variable)) {
        return Decision.stay("JVM flags left as given: " + variable + " is set");
      }
    }
    for (String option : given) {
      if (OWN_MEMORY_OPTION.matcher(option).matches()) {
        return Decision.stay("JVM flags left as given: started with " + optionName(option));
      }
      if (AGENT.matcher(option).matches()) {
        return Decision.stay("JVM flags left as given: an agent is loaded (" + optionName(option) + ")");
      }
    }
    List<String> command = new ArrayList<>();
    command.add(jvm.javaExecutable());
    // Tuned flags first: any other option the user gave comes later on the line and wins.
    command.addAll(tunedFlags(jvm.physicalMemoryBytes(), jvm.trimsNativeHeap()));
    command.addAll(given);
    command.add(MARKER);
    command.add("-jar");
    command.add(jvm.jar().get());
    command.addAll(args);
    return new Decision(List.copyOf(command), tunedEnvironment(jvm.environment()), "", false);
  }

  /**
   * This process's environment plus {@code MALLOC_ARENA_MAX=2} unless it is set: glibc otherwise
   * keeps a malloc arena per busy thread, and what the JIT compilers and Netty's threads free in
   * them stays resident (about 15 MB under the benchmark's load). Other C libraries ignore it.
   */
  static Map<String, String> tunedEnvironment(Map<String, String> environment) {
    Map<String, String> tuned = new TreeMap<>(environment);
    tuned.putIfAbsent("MALLOC_ARENA_MAX", "2");
    return Collections.unmodifiableMap(tuned);
  }

  /**
   * The flags: the serial collector (one thread, no concurrent work, the least memory; a
   * gateway's pauses are short because almost nothing survives a call) with fuller survivor spaces
   * before anything short-lived is promoted, a fixed heap, bounds on
   * everything else the JVM would size from the machine, less inlining of large compiled methods
   * (a shorter warm-up), and freed native memory given back when this JVM can.
   */
  static List<String> tunedFlags(long physicalMemoryBytes, boolean trimNativeHeap) {
    long physicalMb = physicalMemoryBytes / (1024 * 1024);
    // In a container smaller than 448 MB, half of it: the rest is code, classes and stacks.
    long heapMb = Math.max(64, Math.min(MAX_HEAP_MB, physicalMb / 2));
    long youngMb = Math.min(YOUNG_MB, heapMb / 3);
    long initialMb = Math.min(heapMb, youngMb + 32);
    List<String> flags = new ArrayList<>(List.of(
        "-XX:+UseSerialGC",
        "-Xms" + initialMb + "m",
        "-Xmx" + heapMb + "m",
        "-Xmn" + youngMb + "m",
        "-XX:MaxMetaspaceSize=128m",
        "-XX:ReservedCodeCacheSize=64m",
        "-XX:MaxDirectMemorySize=96m",
        "-Xss512k",
        "-XX:TargetSurvivorRatio=" + TARGET_SURVIVOR_PERCENT,
        "-XX:InlineSmallCode=" + INLINE_SMALL_CODE_BYTES,
        IO_BUFFER_PROPERTY + "=" + MAX_CACHED_IO_BUFFER_BYTES));
    if (trimNativeHeap) {
      flags.add("-XX:TrimNativeHeapInterval=" + TRIM_NATIVE_HEAP_MILLIS);
    }
    return List.copyOf(flags);
  }

  /**
   * What the start-up line names: the JVM's own options, and of the system properties only the one
   * these flags set (any other may carry a user's value that is not for a log).
   */
  private static List<String> tunedPart(List<String> given) {
    return given.stream().filter(option -> option.startsWith("-X") || option.startsWith(IO_BUFFER_PROPERTY + "="))
        .toList();
  }

  /** An option's name without its value, so that a path or secret never reaches the log. */
  private static String optionName(String option) {
    int end = option.length();
    for (char stop : new char[] {'=', ':'}) {
      int at = option.indexOf(stop, option.startsWith("-XX:") ? 4 : 1);
      if (at > 0) {
        end = Math.min(end, at);
      }
    }
    return option.substring(0, end);
  }
}
