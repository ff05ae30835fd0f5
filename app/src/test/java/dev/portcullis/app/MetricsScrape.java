package dev.portcullis.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** Reads one sample from Portcullis' Prometheus endpoint, waiting briefly for calls still being recorded. */
final class MetricsScrape {

  private MetricsScrape() {}

  /** The value of the sample {@code name} whose labels include {@code labels}, or -1 when none appears in 3 s. */
  static double await(PortcullisUnderTest portcullis, String name, Map<String, String> labels) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.currentTimeMillis() + 3000;
    do {
      String text = http.send(HttpRequest.newBuilder()
          .uri(URI.create("http://127.0.0.1:" + portcullis.metricsPort() + "/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String line : text.split("\n")) {
        if (line.startsWith(name + "{") && labels.entrySet().stream()
            .allMatch(label -> line.contains(label.getKey() + "=\"" + label.getValue() + "\""))) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    return -1;
  }
}
