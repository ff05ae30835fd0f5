package dev.portcullis.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hottest methods of a JDK Flight Recorder recording, as Markdown: by self time (the sampled
 * top frame) and by total time (any frame of the sample's stack, each method once per sample),
 * and by the nearest Portcullis frame (the topmost {@code dev.portcullis} method of the stack: the
 * project's code that spent the time, itself or in the libraries it called), each as a share of
 * all {@code jdk.ExecutionSample} events.
 *
 * <p>Usage: {@code JfrTopFrames <recording.jfr> [N]} (N rows per table, default 25)
 */
public final class JfrTopFrames {

  private JfrTopFrames() {}

  public static void main(String[] args) throws IOException {
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    Map<String, Integer> nearest = new HashMap<>();
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
        continue;
      }
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      samples++;
      self.merge(name(frames.get(0).getMethod()), 1, Integer::sum);
      nearest.merge(frames.stream().map(RecordedFrame::getMethod)
          .filter(m -> m.getType().getName().startsWith("dev.portcullis.")).findFirst()
          .map(JfrTopFrames::name).orElse("(no Portcullis frame)"), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame frame : frames) {
        String name = name(frame.getMethod());
        if (seen.add(name)) {
          total.merge(name, 1, Integer::sum);
        }
      }
    }
    System.out.println(samples + " execution samples in " + args[0] + "\n");
    print("self", self, samples, rows);
    print("total (self + callees)", total, samples, rows);
    print("nearest Portcullis frame", nearest, samples, rows);
  }

  private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
    System.out.println("| " + title + " | samples | % |");
    System.out.println("| --- | --- | --- |");
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
        .forEach(e -> System.out.printf(java.util.Locale.ROOT, "| `%s` | %d | %.1f |%n", e.getKey(), e.getValue(),
            100.0 * e.getValue() / Math.max(1, samples)));
    System.out.println();
  }

  private static String name(RecordedMethod method) {
    String type = method.getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName();
  }
}
