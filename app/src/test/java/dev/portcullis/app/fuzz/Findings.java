package dev.portcullis.app.fuzz;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every failed check, grouped by check and what the answer looked like; per group its count, the
 * mangling tags most of its cases share (the likely cause), and the shortest case seen, as bytes
 * that reproduce it.
 */
final class Findings {

  private static final class Group {
    long count;
    final Map<String, Integer> tags = new HashMap<>();
    String reproducer;
    int reproducerLength = Integer.MAX_VALUE;
    String answer;
  }

  private final Map<String, Group> groups = new ConcurrentHashMap<>();

  void add(String check, String group, FuzzCase c, Answer answer, String detail) {
    Group g = groups.computeIfAbsent(check + " | " + group, k -> new Group());
    synchronized (g) {
      g.count++;
      for (String tag : c.tags) {
        if (!tag.startsWith("route:")) {
          g.tags.merge(tag, 1, Integer::sum);
        }
      }
      int length = c.wire().length;
      if (length < g.reproducerLength) {
        g.reproducerLength = length;
        g.reproducer = c.reproducer(3_000);
        g.answer = describe(answer) + (detail == null ? "" : "\n  detail: " + detail);
      }
    }
  }

  /** A finding that is not about one case (heap, logs, drain, health). */
  void add(String check, String detail) {
    Group g = groups.computeIfAbsent(check + " | " + detail, k -> new Group());
    synchronized (g) {
      g.count++;
    }
  }

  boolean isEmpty() {
    return groups.isEmpty();
  }

  long total() {
    return groups.values().stream().mapToLong(g -> g.count).sum();
  }

  String report() {
    StringBuilder out = new StringBuilder();
    List<Map.Entry<String, Group>> sorted = new ArrayList<>(groups.entrySet());
    sorted.sort(Comparator.comparing(Map.Entry::getKey));
    for (Map.Entry<String, Group> entry : sorted) {
      Group g = entry.getValue();
      out.append("\n=== ").append(entry.getKey()).append(" — ").append(g.count).append(" case(s)\n");
      if (g.reproducer == null) {
        continue;
      }
      Map<String, Integer> common = new TreeMap<>();
      g.tags.forEach((tag, n) -> {
        if (n * 10 >= g.count * 8) {
          common.put(tag, n);
        }
      });
      out.append("shared by >=80% of them: ").append(common.isEmpty() ? "(nothing: several causes or a route-level one)" : common)
          .append('\n');
      out.append("shortest case: ").append(g.reproducer).append('\n');
      out.append("answer: ").append(g.answer).append('\n');
    }
    return out.toString();
  }

  static String describe(Answer answer) {
    if (answer.problem() != null) {
      return answer.problem();
    }
    return answer.status() + " " + answer.headers() + " " + Printable.of(answer.body(), 600);
  }
}
