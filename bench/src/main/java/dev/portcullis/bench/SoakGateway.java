package dev.portcullis.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the soak asks the gateway outside its calls: provisioning through the admin API, the
 * Prometheus endpoint, and the process's resident memory and open file descriptors from
 * {@code /proc}. Blocking (the JDK's HTTP client): called from the soak's own threads, never from
 * an event loop.
 */
public final class SoakGateway {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SoakGateway() {}

  /**
   * A virtual key made for the soak.
   *
   * @param virtualKey the key ({@code pc-vk-...})
   * @param providerKeyIds the provider keys made, in order
   * @param mappedKeyIds the provider keys the virtual key maps
   * @param note how the mapping went, for the report
   */
  public record Provisioned(String virtualKey, List<String> providerKeyIds, List<String> mappedKeyIds, String note) {}

  /**
   * Makes one {@code openai} provider key per base URL (API keys {@code sk-soak-a}, {@code sk-soak-b},
   * ...) and a virtual key {@code soak} that maps all of them. Mapping two keys of one provider is
   * new: where the admin API still answers 409 to it, the virtual key maps only the first, and the
   * note says so.
   */
  public static Provisioned provision(String adminUrl, String adminToken, List<String> baseUrls) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < baseUrls.size(); i++) {
      String letter = String.valueOf((char) ('a' + i));
      JsonObject created = admin(adminUrl, adminToken, "/api/admin/provider-keys", new JsonObject().put("provider", "openai")
          .put("name", "soak-" + letter).put("apiKey", "sk-soak-" + letter).put("baseUrl", baseUrls.get(i)), 201);
      ids.add(created.getString("id"));
    }
    HttpResponse<String> answer = post(adminUrl, adminToken, "/api/admin/virtual-keys",
        new JsonObject().put("name", "soak").put("providerKeyIds", new JsonArray(new ArrayList<>(ids))));
    if (answer.statusCode() == 201) {
      return new Provisioned(new JsonObject(answer.body()).getString("key"), ids, ids,
          "the virtual key maps " + ids.size() + " openai provider key" + (ids.size() == 1 ? "" : "s")
              + " (sk-soak-a" + (ids.size() > 1 ? " ... sk-soak-" + (char) ('a' + ids.size() - 1) : "") + ")");
    }
    if (answer.statusCode() == 409 && ids.size() > 1) {
      String refusal = errorMessage(answer.body());
      JsonObject created = admin(adminUrl, adminToken, "/api/admin/virtual-keys",
          new JsonObject().put("name", "soak").put("providerKeyIds", new JsonArray().add(ids.get(0))), 201);
      return new Provisioned(created.getString("key"), ids, List.of(ids.get(0)),
          "ONE provider key mapped: the admin API refused two keys of one provider (409: " + refusal
              + "), so the virtual key maps only sk-soak-a and no call can fail over to sk-soak-b");
    }
    throw new IllegalStateException("POST /api/admin/virtual-keys answered " + answer.statusCode() + ": " + answer.body());
  }

  private static JsonObject admin(String adminUrl, String token, String path, JsonObject body, int expected)
      throws Exception {
    HttpResponse<String> answer = post(adminUrl, token, path, body);
    if (answer.statusCode() != expected) {
      throw new IllegalStateException("POST " + path + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return new JsonObject(answer.body());
  }

  private static HttpResponse<String> post(String adminUrl, String token, String path, JsonObject body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(adminUrl + path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    for (int attempt = 0; ; attempt++) {
      try {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        if (attempt >= 50) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private static String errorMessage(String body) {
    try {
      return new JsonObject(body).getJsonObject("error").getString("message");
    } catch (RuntimeException e) {
      return body.length() > 200 ? body.substring(0, 200) : body;
    }
  }

  /** Waits until {@code GET <gatewayUrl>/ready} answers 200. */
  public static void awaitReady(String gatewayUrl, long timeoutMs, Process process) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    HttpRequest ready = HttpRequest.newBuilder(URI.create(gatewayUrl + "/ready")).timeout(Duration.ofSeconds(2)).build();
    while (System.currentTimeMillis() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("the gateway exited with status " + process.exitValue());
      }
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the gateway at " + gatewayUrl + " was not ready within " + timeoutMs + " ms");
  }

  // ---- metrics ----

  /** Every sample of a Prometheus text exposition: {@code name{labels}} to value; empty when unreachable. */
  public static Map<String, Double> scrape(String metricsUrl) {
    Map<String, Double> samples = new LinkedHashMap<>();
    if (metricsUrl == null) {
      return samples;
    }
    try {
      HttpResponse<Stream<String>> answer = HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofLines());
      if (answer.statusCode() != 200) {
        answer.body().close();
        return samples;
      }
      try (Stream<String> lines = answer.body()) {
        lines.forEach(line -> {
          if (line.isEmpty() || line.startsWith("#")) {
            return;
          }
          int close = line.lastIndexOf('}');
          int space = line.indexOf(' ', close < 0 ? 0 : close);
          if (space < 0) {
            return;
          }
          String series = line.substring(0, space);
          String[] rest = line.substring(space + 1).trim().split(" ");
          try {
            samples.put(series, Double.parseDouble(rest[0]));
          } catch (NumberFormatException ignored) {
            // NaN spelled otherwise, or a malformed line: not a counter we read
          }
        });
      }
    } catch (IOException e) {
      return samples;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return samples;
  }

  /** The series' name: what precedes its labels. */
  public static String nameOf(String series) {
    int brace = series.indexOf('{');
    return brace < 0 ? series : series.substring(0, brace);
  }

  /** The sum of every series named {@code name} whose labels contain {@code labelFilter} (null: any); null when there is none. */
  public static Double sum(Map<String, Double> samples, String name, String labelFilter) {
    Double total = null;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      if (nameOf(e.getKey()).equals(name) && (labelFilter == null || e.getKey().contains(labelFilter))) {
        total = (total == null ? 0 : total) + e.getValue();
      }
    }
    return total;
  }

  // ---- the process ----

  /** VmRSS of a process in kB, or -1. */
  public static long rssKb(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Open file descriptors of a process ({@code ls /proc/<pid>/fd | wc -l}), or -1. */
  public static int openFds(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return (int) fds.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
